# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
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

# %% [markdown] papermill={"duration": 0.003931, "end_time": "2026-12-01T20:58:01.064459+00:00", "exception": false, "start_time": "2026-12-01T20:58:01.060528+00:00", "status": "completed"}
# # One target of Taicang's 14th Five-Year S&T plan
#
# Is the 2025 target reachable, how likely, and what would it take? Every number below comes
# from `data/raw/` (through `make data`) or from a computation on it; see `docs/method.md`.

# %% papermill={"duration": 0.029187, "end_time": "2026-12-01T20:58:01.097534+00:00", "exception": false, "start_time": "2026-12-01T20:58:01.068347+00:00", "status": "completed"} tags=["parameters"]
indicator = "rd_intensity"  # a registry id: `python -m taicang_analysis indicators`
as_of = None  # "YYYY-MM-DD" or a year: use only what was published by then; None = everything
reference = "all"  # reference panels: "all", "cn_provinces", "world" or "none"
draws = 10000  # predictive draws per model
seed = 0  # seed of every random draw
denominator_growth = None  # growth per year of the ratio's denominator (e.g. GDP) as a fraction; None = observed
calibration = "auto"  # "auto" = the backtest's calibration (`make backtest`) if fitted, else uncalibrated; "none" = uncalibrated

# %% papermill={"duration": 4.717542, "end_time": "2026-12-01T20:58:05.825764+00:00", "exception": false, "start_time": "2026-12-01T20:58:01.108222+00:00", "status": "completed"}
import taicang_analysis as ta

study = ta.Study(as_of=as_of, calibration=calibration, draws=draws, seed=seed)
assessment = study.assess(indicator, reference=reference, denominator_growth=denominator_growth)

# %% [markdown] papermill={"duration": 0.003882, "end_time": "2026-12-01T20:58:05.836320+00:00", "exception": false, "start_time": "2026-12-01T20:58:05.832438+00:00", "status": "completed"}
# ## The assessment
# Grades as statistical offices compute them, each model's projection, the pooled projection, the
# probability of meeting the target and what the numerator of the ratio must do.

# %% papermill={"duration": 0.025345, "end_time": "2026-12-01T20:58:05.865516+00:00", "exception": false, "start_time": "2026-12-01T20:58:05.840171+00:00", "status": "completed"}
# NBVAL_CHECK_OUTPUT
print(assessment.summary())

# %% [markdown] papermill={"duration": 0.004187, "end_time": "2026-12-01T20:58:05.876333+00:00", "exception": false, "start_time": "2026-12-01T20:58:05.872146+00:00", "status": "completed"}
# ## The picture
# Published values (dots), the pooled projection's median and 50 % / 80 % bands, the target (star).
# The dotted line marks where observation ends.

# %% papermill={"duration": 1.420939, "end_time": "2026-12-01T20:58:07.301104+00:00", "exception": false, "start_time": "2026-12-01T20:58:05.880165+00:00", "status": "completed"}
assessment.plot();
