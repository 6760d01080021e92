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
# Here: the scores beside simple baselines, each with its uncertainty, the number of targets met against
# the number the method expected, a reliability diagram, interval coverage by horizon, and the cases where
# the method was most wrong, each with its basis.
#
# The tables come from `make backtest` (`python -m taicang_analysis backtest`), which writes
# `data/processed/backtest_*.csv`; without them this notebook says so and shows nothing else.

# %% tags=["parameters"]
case_set: str = "past_plan"  # which cases: "past_plan" (all past plan targets), "all", "taicang_13th", "taicang_other"
worst: int = 8  # how many of the most-wrong cases to list
panel: str = "all"  # rolling-origin panel whose interval coverage is shown: "all", "cn_provinces" or "world"
level: int = 80  # central interval whose coverage is checked: 80 or 95
as_of: "Optional[str]" = None  # not applied: the track record is the last backtest run's (the first output says why)

# %%
import taicang_analysis as ta
from taicang_analysis.evaluation import scoring
from taicang_analysis.present import figures
from taicang_analysis.present import notebook_support as nb

params = nb.check_parameters(case_set=case_set, worst=worst, panel=panel, level=level, as_of=as_of)
backtest = nb.backtest_tables(ta.Study().processed_dir, as_of=params["as_of"])
print(backtest.message)

# %% [markdown]
# ## Scores beside the baselines, with their uncertainty
# Brier score and log score (both: lower is better) and hit rate, over the same cases. Baselines: the
# leave-one-out base rate, Eurostat's rate ratio grade, the UN projected gap, the time-proportional check
# and straight-line extrapolation read as 0/1 calls. The brackets (`_low`, `_high`) are 95 % intervals
# from resampling whole cohorts -- targets set in the same year by the same kind of government (Chinese
# regions or countries) share that period's luck, so they are resampled together. `brier_diff_vs_base_rate`
# is a method's Brier score minus the base rate's on the same cases: below 0 is better.

# %%
# NBVAL_CHECK_OUTPUT
nb.scores_table(backtest.scores, case_set=case_set).round(3)

# %% [markdown]
# Each dot is a score, each whisker its 95 % interval; in the right-hand panel a whisker that crosses the
# dotted zero line means the method cannot be told apart from the base rate on these cases.

# %%
figures.score_intervals(nb.score_intervals(backtest.scores, case_set=case_set));

# %% [markdown]
# ## What the intervals say, and targets met: expected against observed
# If the method's probabilities were right, the number of targets met would fall inside the method's own
# 90 % range (each target met independently with its probability) nine times in ten.

# %%
# NBVAL_CHECK_OUTPUT
print(nb.track_record_sentences(backtest.scores, case_set=case_set))

# %% [markdown]
# ## Reliability: when the method said p, how often was the target met?

# %%
figures.reliability_diagram(nb.reliability(backtest, case_set=case_set), hue="method" if backtest.available else None);

# %%
# NBVAL_CHECK_OUTPUT
nb.reliability(backtest, case_set=case_set).round(3)

# %% [markdown]
# ## Interval coverage by horizon (rolling origins)
# The share of outcomes inside the central interval, by years ahead; the dotted line is the nominal
# level. Below it, intervals are too narrow.

# %%
figures.coverage_by_horizon(backtest.coverage_by_horizon, level=level, panel=panel);

# %% [markdown]
# The pooled, calibrated intervals by indicator, regime (panel) and horizon, each with two 95 % intervals:
# Wilson's (`lower95`–`upper95`, as if every row were independent) and the cohort bootstrap's
# (`cohort_low`–`cohort_high`, whole origin years resampled: one year's shock hits every province, so a
# cell of 96 rows from 3 origins holds about 3 independent pieces of evidence). `in_band` says whether
# coverage is inside the aim of 75–85 %, `consistent` whether 80 % is inside the cohort interval; it is
# blank where a cell has one origin year, which cannot say. With only a few origins (`n_cohorts` under
# about 5) the cohort interval is itself too narrow (a known property of resampling few clusters), so a
# `False` there is a warning, not a verdict.

# %%
# NBVAL_CHECK_OUTPUT
scoring.coverage_check(backtest.coverage_by_horizon, level=level).round(3)

# %% [markdown]
# ## Where the method was most wrong
# The scored cases with the largest Brier contribution, with the series it saw and the grade's basis.

# %%
# NBVAL_CHECK_OUTPUT
nb.worst_cases(backtest.cases, n=worst).round(3)
