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
# # Track record: how good have these probabilities been?
#
# Every past plan target whose outcome is known was assessed as of when it was set, with only what
# was published then; rolling origins on the provincial and World Bank panels check the intervals.
# Here: the scores beside simple baselines, a reliability diagram, interval coverage by horizon,
# and the cases where the method was most wrong, each with its basis.
#
# The tables come from `make backtest` (`python -m taicang_analysis backtest`), which writes
# `data/processed/backtest_*.csv`; without them this notebook says so and shows nothing else.

# %% tags=["parameters"]
case_set: str = "past_plan"  # which cases: "past_plan" (all past plan targets), "all", "taicang_13th", "taicang_other"
worst: int = 8  # how many of the most-wrong cases to list
panel: str = "all"  # rolling-origin panel whose interval coverage is shown: "all", "cn_provinces" or "world"
level: int = 80  # central interval whose coverage is checked: 80 or 95

# %%
import taicang_analysis as ta
from taicang_analysis.present import figures
from taicang_analysis.present import notebook_support as nb

params = nb.check_parameters(case_set=case_set, worst=worst, panel=panel, level=level)
backtest = nb.backtest_tables(ta.Study().processed_dir)
print(backtest.message)

# %% [markdown]
# ## Scores beside the baselines
# Brier score (lower is better), log score (lower is better) and hit rate, over the same cases.
# Baselines: the leave-one-out base rate, Eurostat's rate ratio grade, the UN projected gap, the
# time-proportional check and straight-line extrapolation read as 0/1 calls.

# %%
# NBVAL_CHECK_OUTPUT
print(nb.scores_table(backtest.scores, case_set=case_set).round(3).to_string())

# %% [markdown]
# ## Reliability: when the method said p, how often was the target met?

# %%
figures.reliability_diagram(nb.reliability(backtest, case_set=case_set), hue="method" if backtest.available else None);

# %%
# NBVAL_CHECK_OUTPUT
print(nb.reliability(backtest, case_set=case_set).round(3).to_string())

# %% [markdown]
# ## Interval coverage by horizon (rolling origins)
# The share of outcomes inside the central interval, by years ahead; the dotted line is the nominal
# level. Below it, intervals are too narrow.

# %%
figures.coverage_by_horizon(backtest.coverage_by_horizon, level=level, panel=panel);

# %% [markdown]
# ## Where the method was most wrong
# The scored cases with the largest Brier contribution, with the series it saw and the grade's basis.

# %%
# NBVAL_CHECK_OUTPUT
print(nb.worst_cases(backtest.cases, n=worst).round(3).to_string())
