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

# %% [markdown] papermill={"duration": 0.002569, "end_time": "2026-11-25T01:32:00.632088+00:00", "exception": false, "start_time": "2026-11-25T01:32:00.629519+00:00", "status": "completed"}
# # One target of Taicang's 14th Five-Year S&T plan
#
# Is the 2025 target reachable, how likely, and what would it take? Every number below comes
# from `data/raw/` (through `make data`) or from a computation on it; see `docs/method.md`.

# %% papermill={"duration": 0.014861, "end_time": "2026-11-25T01:32:00.649371+00:00", "exception": false, "start_time": "2026-11-25T01:32:00.634510+00:00", "status": "completed"} tags=["parameters"]
indicator = "rd_intensity"  # a registry id: `python -m taicang_analysis indicators`
as_of = None  # "YYYY-MM-DD" or a year: use only what was published by then; None = everything
reference = "all"  # reference panels: "all", "cn_provinces", "world" or "none"
draws = 10000  # predictive draws per model
seed = 0  # seed of every random draw
denominator_growth = None  # growth per year of the ratio's denominator (e.g. GDP) as a fraction; None = observed
calibration = "none"  # "none" = uncalibrated spread; None = the backtest's calibration (`make backtest`) if fitted

# %% papermill={"duration": 2.202072, "end_time": "2026-11-25T01:32:02.853380+00:00", "exception": false, "start_time": "2026-11-25T01:32:00.651308+00:00", "status": "completed"}
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

# %% [markdown] papermill={"duration": 0.00097, "end_time": "2026-11-25T01:32:02.856005+00:00", "exception": false, "start_time": "2026-11-25T01:32:02.855035+00:00", "status": "completed"}
# ## The assessment
# Grades as statistical offices compute them, each model's projection, the pooled projection, the
# probability of meeting the target and what the numerator of the ratio must do.

# %% papermill={"duration": 0.011466, "end_time": "2026-11-25T01:32:02.868625+00:00", "exception": false, "start_time": "2026-11-25T01:32:02.857159+00:00", "status": "completed"}
# NBVAL_CHECK_OUTPUT
print(report.render_assessment(assessment, requirement, indicator, alternatives))
print(f"pool: {spread_basis}")

# %% [markdown] papermill={"duration": 0.000976, "end_time": "2026-11-25T01:32:02.870969+00:00", "exception": false, "start_time": "2026-11-25T01:32:02.869993+00:00", "status": "completed"}
# ## The picture
# Published values (dots), the pooled projection's median and 50 % / 80 % bands, the target (star).
# The dotted line marks where observation ends.

# %% papermill={"duration": 0.161513, "end_time": "2026-11-25T01:32:03.033479+00:00", "exception": false, "start_time": "2026-11-25T01:32:02.871966+00:00", "status": "completed"}
plots.plot_assessment(assessment);
