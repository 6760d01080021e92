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
# # One target of Taicang's 14th Five-Year S&T plan, in depth
#
# Is the 2025 target reachable, how likely, and what would it take? The published series with its
# provenance, every growth-rate method statistical offices use side by side, the pooled projection
# (a fan from the last published value), the probability and its basis, and what the numerator of
# the ratio must do. Every number comes from `data/raw/` (through `make data`) or a computation on it.

# %% tags=["parameters"]
indicator: str = "rd_intensity"  # a registry id with a 2025 target: `python -m taicang_analysis targets`
as_of: "Optional[str]" = None  # "YYYY-MM-DD" or a year: use only what was published by then; None: everything
target: "Optional[float]" = None  # another target value (in the indicator's unit) instead of the plan's; None: the plan's
reference: str = "all"  # reference panels: "all", "cn_provinces", "world" or "none"
draws: int = 10000  # predictive draws per model
seed: int = 0  # seed of every random draw
until: "Optional[int]" = None  # last year of the fan; None: the target year
denominator_growth: "Optional[float]" = None  # growth per year of the ratio's denominator (e.g. GDP) as a fraction; None: observed
calibration: "Optional[str]" = "none"  # "none": uncalibrated spread; None: the backtest's calibration (`make backtest`) if fitted

# %% [markdown]
# The parameters are checked first: an unknown indicator, a bad date or a target outside the
# indicator's bounds stops here with the library's message.

# %%
from taicang_analysis.present import figures
from taicang_analysis.present import notebook_support as nb
from taicang_analysis.present import text

tables = nb.load()
params = nb.check_parameters(tables, indicator=indicator, as_of=as_of, target=target, reference=reference,
                             draws=draws, seed=seed, until=until, denominator_growth=denominator_growth,
                             calibration=calibration)

# %% [markdown]
# ## The published series and where each value comes from

# %%
# NBVAL_CHECK_OUTPUT
print(nb.provenance(tables, indicator, as_of=params["as_of"]).to_string())

# %% [markdown]
# ## The assessment
# Grades as statistical offices compute them (Eurostat's rate ratio on the short- and long-term
# windows, the UN's projected gap, the time-proportional check), each model's projection, the pooled
# projection, the probability of meeting the target, and what it would take.

# %%
assessment, spread_basis = nb.assess(tables, indicator, as_of=params["as_of"], target=target,
                                     reference=reference, draws=draws, seed=seed, calibration=calibration)
requirement, alternatives, why_not = nb.what_it_takes(tables, assessment, as_of=params["as_of"],
                                                      denominator_growth=denominator_growth)

# %%
# NBVAL_CHECK_OUTPUT
print(text.render_assessment(assessment, requirement, indicator, alternatives))
print(f"pool: {spread_basis}")

# %% [markdown]
# ## The picture
# Published values (dots), the pooled projection's median (dashed) with its 50 % and 80 % bands,
# starting at the last published value, and the target (star). The dotted line marks where
# observation ends.

# %%
figures.plot_assessment(assessment, until=until);

# %% [markdown]
# ## The probability and its basis

# %%
# NBVAL_CHECK_OUTPUT
print(f"P(target met in {assessment.target.year}) = "
      f"{'—' if assessment.probability is None else format(assessment.probability, '.1%')}")
print(f"basis: {assessment.probability_reason}")
print(f"grade: {assessment.status} ({assessment.status_basis})")

# %% [markdown]
# ## What it would take
# For a ratio (R&D spending over GDP, high-tech over above-scale output), the growth its numerator
# needs at the denominator's observed growth, and at stated growths.

# %%
# NBVAL_CHECK_OUTPUT
print(nb.requirements_table(requirement, alternatives, why_not).to_string())
