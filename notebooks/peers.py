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
# # Peers: Taicang beside its neighbours, on the same definitions only
#
# Suzhou, Jiangsu, Kunshan, Changshu, Zhangjiagang, China and the 苏南 (Sunan) average — one plan
# target is worded against it: "全社会研发投入超苏南地区平均水平". One panel per indicator; a region
# is drawn only on the panel of the definition (口径) it publishes. Where a peer publishes only a
# different definition (e.g. NBS 高技术制造业 instead of Jiangsu's broader 高新技术产业), the table
# below says so and the figure keeps it off that axis.

# %% tags=["parameters"]
indicators: list[str] = ["rd_intensity", "hightech_output_share", "hightech_manufacturing_output_share", "invention_patents_per_10k"]  # registry ids, one panel each
regions: list[str] = ["Taicang", "Suzhou", "Jiangsu", "Kunshan", "Changshu", "Zhangjiagang", "China", "Sunan (5 cities)"]  # regions compared
highlight: str = "Taicang"  # region drawn bold
as_of: "Optional[str]" = None  # "YYYY-MM-DD" or a year: only what was published by then; None: everything

# %%
import taicang_analysis as ta
from taicang_analysis.present import figures
from taicang_analysis.present import notebook_support as nb

study = ta.Study(as_of=as_of)
params = nb.check_parameters(study, indicators=indicators, regions=regions, highlight=highlight)

# %% [markdown]
# ## Who publishes what, on which definition
# The latest year each region publishes on each definition; "—" = nothing on that definition (so
# the region is not drawn on that panel).

# %%
panel = nb.peer_panel(study, indicators=indicators, regions=regions)

# %%
# NBVAL_CHECK_OUTPUT
nb.definitions_by_region(panel, regions=regions, indicators=indicators)

# %% [markdown]
# ## The series side by side
# Dots are published values; lines join consecutive published years only (a gap stays a gap).

# %%
figures.peer_grid(panel, indicators=indicators, regions=regions, highlight=highlight);

# %% [markdown]
# ## Against the 苏南 average: R&D intensity, latest published value per region

# %%
# NBVAL_CHECK_OUTPUT
nb.latest_values(panel, "rd_intensity").round(3)
