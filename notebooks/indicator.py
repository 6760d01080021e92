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
# # One target of Taicang's 14th Five-Year S&T plan
#
# Is the 2025 target reachable, how likely, and what would it take? Every number below comes
# from `data/raw/` (through `make data`) or from a computation on it; see `docs/method.md`.

# %% tags=["parameters"]
indicator = "rd_intensity"  # a registry id: `python -m taicang_analysis indicators`
as_of = None  # "YYYY-MM-DD" or a year: use only what was published by then; None = everything
reference = "all"  # reference panels: "all", "cn_provinces", "world" or "none"
draws = 10000  # predictive draws per model
seed = 0  # seed of every random draw
denominator_growth = None  # growth per year of the ratio's denominator (e.g. GDP) as a fraction; None = observed
calibration = "none"  # "none" = uncalibrated spread; None = the backtest's calibration (`make backtest`) if fitted

# %%
from taicang_analysis.data import io
from taicang_analysis.assessment import plans as plan_assessment
from taicang_analysis.present import figures as plots
from taicang_analysis.present import text as report
from taicang_analysis.assessment.assess import Pool

observations = io.read_processed("observations.csv")
targets = io.read_processed("targets.csv")
spread, spread_basis = plan_assessment.load_calibration(calibration)
assessment = plan_assessment.assess_indicator(observations, targets, indicator, as_of=as_of, reference=reference,
                                              pool=Pool(spread=spread or 1.0), n_draws=draws, seed=seed)
requirement, alternatives, why_not = plan_assessment.what_it_takes(
    observations, assessment, as_of=as_of, denominator_growth=denominator_growth)

# %% [markdown]
# ## The assessment
# Grades as statistical offices compute them, each model's projection, the pooled projection, the
# probability of meeting the target and what the numerator of the ratio must do.

# %%
# NBVAL_CHECK_OUTPUT
print(report.render_assessment(assessment, requirement, indicator, alternatives))
print(f"pool: {spread_basis}")

# %% [markdown]
# ## The picture
# Published values (dots), the pooled projection's median and 50 % / 80 % bands, the target (star).
# The dotted line marks where observation ends.

# %%
plots.plot_assessment(assessment);
