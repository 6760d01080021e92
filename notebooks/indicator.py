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

# %% [markdown] papermill={"duration": 0.001546, "end_time": "2026-11-25T01:01:05.982038+00:00", "exception": false, "start_time": "2026-11-25T01:01:05.980492+00:00", "status": "completed"}
# # One target of Taicang's 14th Five-Year S&T plan
#
# Is the 2025 target reachable, how likely, and what would it take? Every number below comes
# from `data/raw/` (through `make data`) or from a computation on it; see `docs/method.md`.

# %% papermill={"duration": 0.008642, "end_time": "2026-11-25T01:01:05.992224+00:00", "exception": false, "start_time": "2026-11-25T01:01:05.983582+00:00", "status": "completed"} tags=["parameters"]
indicator = "rd_intensity"  # a registry id: `python -m taicang_analysis indicators`
as_of = None  # "YYYY-MM-DD" or a year: use only what was published by then; None = everything
reference = "all"  # reference panels: "all", "cn_provinces", "world" or "none"
draws = 10000  # predictive draws per model
seed = 0  # seed of every random draw
denominator_growth = None  # growth per year of the ratio's denominator (e.g. GDP) as a fraction; None = observed

# %% papermill={"duration": 2.240989, "end_time": "2026-11-25T01:01:08.234433+00:00", "exception": false, "start_time": "2026-11-25T01:01:05.993444+00:00", "status": "completed"}
from taicang_analysis import io, plan_assessment, plots, report

observations = io.read_processed("observations.csv")
targets = io.read_processed("targets.csv")
assessment = plan_assessment.assess_indicator(observations, targets, indicator, as_of=as_of, reference=reference,
                                              n_draws=draws, seed=seed)
requirement, alternatives, why_not = plan_assessment.what_it_takes(
    observations, assessment, as_of=as_of, denominator_growth=denominator_growth)

# %% [markdown] papermill={"duration": 0.001262, "end_time": "2026-11-25T01:01:08.237510+00:00", "exception": false, "start_time": "2026-11-25T01:01:08.236248+00:00", "status": "completed"}
# ## The assessment
# Grades as statistical offices compute them, each model's projection, the pooled projection, the
# probability of meeting the target and what the numerator of the ratio must do.

# %% papermill={"duration": 0.009097, "end_time": "2026-11-25T01:01:08.247836+00:00", "exception": false, "start_time": "2026-11-25T01:01:08.238739+00:00", "status": "completed"}
# NBVAL_CHECK_OUTPUT
print(report.render_assessment(assessment, requirement, indicator, alternatives))

# %% [markdown] papermill={"duration": 0.00127, "end_time": "2026-11-25T01:01:08.250887+00:00", "exception": false, "start_time": "2026-11-25T01:01:08.249617+00:00", "status": "completed"}
# ## The picture
# Published values (dots), the pooled projection's median and 50 % / 80 % bands, the target (star).
# The dotted line marks where observation ends.

# %% papermill={"duration": 0.185268, "end_time": "2026-11-25T01:01:08.437514+00:00", "exception": false, "start_time": "2026-11-25T01:01:08.252246+00:00", "status": "completed"}
plots.plot_assessment(assessment);
