# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: -papermill,-execution,-ExecuteTime,-scrolled,-collapsed
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -papermill,-widgets,-varInspector
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Scenarios: what if spending, output or patents grow at a chosen pace?
#
# A ratio target moves with its numerator and its denominator: R&D intensity with R&D spending and
# GDP, the high-tech output share with high-tech and all above-scale industrial output, invention
# patents per 10k people with the patent stock and the population. Choose the growth of each and
# see the path, the value in the target year and the probability of meeting the target on it (the
# pooled projection's uncertainty, re-centred on the path).
#
# Under papermill the scenario comes from the parameters; opened in JupyterLab, the sliders below
# move it live.

# %% tags=["parameters"]
indicator: str = "rd_intensity"  # the ratio: "rd_intensity", "hightech_output_share" or "high_value_invention_patents_per_10k"
numerator_growth: float = 0.10  # growth per year of the numerator (R&D spending, high-tech output, patent stock), fraction
denominator_growth: float = 0.06  # growth per year of the denominator (GDP, above-scale output, population), fraction
as_of: "Optional[str]" = None  # "YYYY-MM-DD" or a year: use only what was published by then; None: everything
draws: int = 10000  # predictive draws per model
seed: int = 0  # seed of every random draw

# %%
import taicang_analysis as ta
from taicang_analysis.present import figures
from taicang_analysis.present import notebook_support as nb
from taicang_analysis.present import widgets

study = ta.Study(as_of=as_of, draws=draws, seed=seed)
params = nb.check_parameters(study, indicator=indicator, numerator_growth=numerator_growth,
                             denominator_growth=denominator_growth)

# %% [markdown]
# ## Which ratios a scenario can start from
# A scenario starts at the latest published value of the ratio; without one (high-value invention
# patents: nothing published for Taicang) there is nothing to start from, and the related but
# different all-valid-patents series is not substituted.

# %%
# NBVAL_CHECK_OUTPUT
nb.scenario_readiness(study)

# %% [markdown]
# ## The assessment the scenario moves

# %%
assessment = study.assess(indicator)
assessment

# %% [markdown]
# ## The scenario
# Drag the sliders (JupyterLab): the line, the value in the target year and P(met) update. Opened
# from disk the cell below shows the sliders as text (saved output carries no live widget): run the
# notebook first (Run › Run All Cells) to get them.

# %%
explorer = widgets.scenario_explorer(assessment, numerator_growth=numerator_growth,
                                     denominator_growth=denominator_growth)
explorer.box

# %% [markdown]
# The scenario set by the parameters, as numbers and as a figure (the same as the sliders' first state):

# %%
# NBVAL_CHECK_OUTPUT
print(widgets.summary_text(assessment, explorer.last))
print(explorer.last.path.round(3).to_string())

# %%
figures.plot_scenario(assessment, explorer.last);
