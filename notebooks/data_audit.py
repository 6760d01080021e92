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
# # Data audit: what is published, and how
#
# For each indicator of Taicang's S&T plan: which years have a published figure, whether it was
# reported, preliminary, derived from a stated change, a lower bound (超/以上) or approximate (左右);
# its source; which figures were revised; where definitions (口径) break; and which targets have
# no published value at all. Gaps are shown as gaps: nothing is filled in.

# %% tags=["parameters"]
region: str = "Taicang"  # region whose published figures are audited (e.g. "Suzhou", "Kunshan")
as_of: "Optional[str]" = None  # "YYYY-MM-DD" or a year: only what was published by then; None: everything

# %% [markdown]
# The parameters are checked first (papermill accepts any value): an unknown region or a bad date
# stops here with the library's message.

# %%
import taicang_analysis as ta
from taicang_analysis.present import figures
from taicang_analysis.present import notebook_support as nb

study = ta.Study(as_of=as_of)
params = nb.check_parameters(study, region=region)

# %% [markdown]
# ## Coverage: indicator × year
# Each cell is a published figure, coloured by how it was published; blank cells are years with
# no figure. Rows without any cell are plan indicators with nothing published.

# %%
figures.coverage_heatmap(nb.coverage(study, region=region));

# %% [markdown]
# ## Every published value, with its source

# %%
# NBVAL_CHECK_OUTPUT
published = nb.published_values(study, region=region)
published.round(3)

# %% [markdown]
# How the values were published (counts by status):

# %%
# NBVAL_CHECK_OUTPUT
published.groupby(["status", "qualifier"]).size()

# %% [markdown]
# ## Revisions: which figure superseded which, and when
# A value is valid from its publication date until the next publication of the same figure
# (`valid_to`); the current one has `current = True`.

# %%
# NBVAL_CHECK_OUTPUT
nb.revisions(study, region=region).round(3)

# %% [markdown]
# ## Definition breaks (口径)
# Different definitions are different indicators and are never continued into each other; a
# related definition that is published is named, not substituted.

# %%
# NBVAL_CHECK_OUTPUT
nb.definition_breaks(study, region=region)

# %% [markdown]
# ## Gaps: plan targets with no published value
# These targets cannot be assessed from published data; the brief says so instead of filling them.

# %%
# NBVAL_CHECK_OUTPUT
nb.gaps(study, region=region)
