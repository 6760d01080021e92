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
# # The brief: every target of the plan on one page
#
# For each Table 2 indicator of Taicang's 14th Five-Year S&T plan: the latest published value and
# its year, the target, the observed against the required pace, the grade (traffic light), the
# probability of meeting the target with its interval; the fan charts of those that can be
# projected; the data gaps; and what changed since a previous as-of date.

# %% tags=["parameters"]
as_of: "Optional[str]" = None  # "YYYY-MM-DD" or a year: the brief as it could have been written then; None: everything
since: str = "2020-12-31"  # previous as-of date to report changes against (default: the plan period's start) ("YYYY-MM-DD" or a year)
reference: str = "all"  # reference panels: "all", "cn_provinces", "world" or "none"
draws: int = 10000  # predictive draws per model
seed: int = 0  # seed of every random draw

# %%
import taicang_analysis as ta
from taicang_analysis.present import figures
from taicang_analysis.present import notebook_support as nb

study = ta.Study(as_of=as_of, draws=draws, seed=seed)
params = nb.check_parameters(study, as_of=as_of, since=since, reference=reference)

# %%
assessments = nb.plan_assessments(study, reference=reference)
table = nb.plan_table(assessments)

# %% [markdown]
# ## Traffic lights
# Green: on track or already met (Eurostat rate ratio ≥ 0.95); amber: acceleration needed
# (0.60–0.95); red: limited progress or moving away; grey: no observed growth to grade (one value,
# or none).

# %%
figures.traffic_lights(table);

# %% [markdown]
# `probability` is the headline: the pool's wherever it runs (`p_source` = pool), else the stated
# outside view's (`p_source` = outside_view), else, for a target with one published value and no fair
# analogue, the base rate (`p_source` = base_rate): the share of past plan targets of Chinese regions
# that were met (`study.base_rate()`). The base rate knows nothing about the indicator or how ambitious
# its target is; it is the last resort, not a forecast. `p_outside_view` is the outside view's own P(met),
# uncalibrated, beside it (empty where no fair analogue is stated or its class cannot be estimated).

# %%
# NBVAL_CHECK_OUTPUT
table.drop(columns="name_zh")

# %% [markdown]
# The base rate, with what it counts: scored past targets of the region's regime whose outcome was
# published by the as-of, targets met, the cohorts they were set in, and a cohort-bootstrap interval
# of the share met (None before the backtest has written its case table).

# %%
# NBVAL_CHECK_OUTPUT
study.base_rate()

# %% [markdown]
# ## The projections
# One fan per indicator with published values: dots = published, fan = pooled projection from the
# last published value (50 % and 80 %), star = target.

# %%
figures.fan_grid(nb.with_observations(assessments), ncols=2);

# %% [markdown]
# ## Data gaps
# Targets with no published value: not assessable, and not filled in.

# %%
# NBVAL_CHECK_OUTPUT
nb.gaps(study)

# %% [markdown]
# ## What changed since the previous as-of date
# New figures published after `since`, then grades and probabilities then and now.

# %%
# NBVAL_CHECK_OUTPUT
nb.new_figures(study, since=since)

# %%
before = nb.plan_assessments(ta.Study(as_of=since, draws=draws, seed=seed), reference=reference)

# %%
# NBVAL_CHECK_OUTPUT
nb.changes(before, assessments)
