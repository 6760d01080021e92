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
calibration: str = "auto"  # "auto": the backtest's calibration (`make backtest`) if fitted, else uncalibrated; "none": uncalibrated

# %% [markdown]
# The parameters are checked first: an unknown indicator, a bad date or a target outside the
# indicator's bounds stops here with the library's message.

# %%
import taicang_analysis as ta
from taicang_analysis.present import figures
from taicang_analysis.present import notebook_support as nb

study = ta.Study(as_of=as_of, calibration=calibration, draws=draws, seed=seed)
params = nb.check_parameters(study, indicator=indicator, target=target, reference=reference, until=until,
                             denominator_growth=denominator_growth)

# %% [markdown]
# ## The published series and where each value comes from

# %%
study.series(indicator).round(3)

# %% [markdown]
# ## The assessment
# Grades as statistical offices compute them (Eurostat's rate ratio on the short- and long-term
# windows, the UN's projected gap, the time-proportional check), each model's projection, the pooled
# projection, the probability of meeting the target, what it would take, and which spread applied.
# Beside the pool: the **outside view** stated for this indicator (which other regions' panel is a
# fair analogue and why, or why none is), run as its own model from the last published value. The
# pool's probability is the headline wherever the pool runs (the pre-registered comparison kept it,
# `docs/preregistration.md`); where it cannot, the outside view's is, and the text says so. Where
# neither can run (one published value and no fair analogue), the probability is the base rate: the
# share of past plan targets of the region's regime that were met (`study.base_rate()`), which knows
# nothing about this indicator, and the text says that too.

# %%
assessment = study.assess(indicator, target=target, reference=reference, denominator_growth=denominator_growth)

# %%
# NBVAL_CHECK_OUTPUT
print(assessment.summary())

# %% [markdown]
# ## The picture
# Published values (dots), the pooled projection's median (dashed) with its 50 % and 80 % bands,
# starting at the last published value, and the target (star). The dotted line marks where
# observation ends. Purple: the outside view's median (dash-dot) and 80 % band (dotted), when it ran.

# %%
figures.plot_assessment(assessment, until=until);

# %% [markdown]
# ## What it would take
# For a ratio (R&D spending over GDP, high-tech over above-scale output), the growth its numerator
# needs at the denominator's observed growth, and at stated growths.

# %%
nb.requirements_table(assessment)
