"""Figures for the notebooks.  Plots never compute: they draw result objects and tables.

Every function takes results (an `Assessment`, a table the library made) and
``ax=None`` (or makes its own figure for small multiples), draws inside
`style.figure_style` (a CJK font for the Chinese names, no global side
effect), and returns the Axes or Figure.  Titles carry the indicator's Chinese
and English names and its unit; year axes tick at whole years.

Fan charts: published values are dots (never joined across a gap), the
projection is an orange fan (50 % and 80 % central intervals of the pooled
draws, dashed median) that starts *at the last published value* -- the fan's
first point is that observation, so there is no jump between data and
projection -- and stops at the target year unless ``until`` asks for more; the
target is a green star with a dotted level line.
"""

from __future__ import annotations

import textwrap
from types import SimpleNamespace
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Patch

from ..data import registry
from . import style
from .style import OBSERVED, OUTSIDE, PROJECTED, STATUS_COLOURS, TARGET  # noqa: F401  (re-exported colours)

DEFAULT_LEVELS = (0.5, 0.8)
COMPARATOR_SIGNS = {"ge": "≥", "le": "≤", "about": "≈"}
YEAR_LABEL = "年份 year"


# -- labels ----------------------------------------------------------------------

def _indicator(indicator_id: str | None) -> registry.Indicator | None:
    return registry.BY_ID.get(indicator_id) if indicator_id else None


def indicator_title(indicator_id: str | None, *, width: int = 60, region: str | None = None) -> str:
    """'中文名称\\nEnglish name (unit)' from the registry; the id itself when it is not registered."""
    ind = _indicator(indicator_id)
    if ind is None:
        return indicator_id or "series"
    english = "\n".join(textwrap.wrap(f"{ind.name_en} ({ind.unit})", width)) if width else f"{ind.name_en} ({ind.unit})"
    zh = ind.name_zh if region is None else f"{region} · {ind.name_zh}"
    return f"{zh}\n{english}"


def unit_label(indicator_id: str | None) -> str:
    """Y-axis label: '单位 unit: %'."""
    ind = _indicator(indicator_id)
    return f"单位 unit: {ind.unit}" if ind is not None else ""


# -- the fan ---------------------------------------------------------------------

def fan_data(a, *, levels=DEFAULT_LEVELS, until: int | None = None) -> pd.DataFrame:
    """The fan as drawn: median and bands per year, first row = the last published value.

    Columns ``median`` and ``lower_<level>``/``upper_<level>`` (e.g. ``lower_0.8``),
    index ``year``.  Years run from the last observation to ``until`` (default:
    the target year; never beyond the pooled draws).  Empty when there is no
    pooled projection (or no observation to start it from).
    """
    a = getattr(a, "assessment", a)  # a front-door result wraps the engine's Assessment
    pooled, obs = a.pooled, a.observations
    if pooled is None or obs.empty:
        return pd.DataFrame()
    stop = a.target.year if until is None else int(until)
    years = [y for y in pooled.years if y <= stop]
    if not years:
        return pd.DataFrame()
    tails = sorted({q for level in levels for q in ((1 - level) / 2, (1 + level) / 2)} | {0.5})
    q = pooled.quantiles(tails).loc[years]
    frame = pd.DataFrame({"median": q[0.5]})
    for level in levels:
        frame[f"lower_{level:g}"] = q[(1 - level) / 2]
        frame[f"upper_{level:g}"] = q[(1 + level) / 2]
    start = pd.DataFrame({c: [float(obs.iloc[-1])] for c in frame.columns}, index=[int(obs.index[-1])])
    out = pd.concat([start, frame])
    out.index = pd.Index(out.index.astype(int), name="year")
    return out


def outside_view_data(a, *, until: int | None = None, level: float = 0.8) -> pd.DataFrame:
    """The outside view's median and ``level`` band as drawn beside the pool (`fan_data`'s layout);
    empty when the view did not run or already is the headline fan."""
    a = getattr(a, "assessment", a)
    ov = getattr(a, "outside_view", None)
    if ov is None or not ov.ran or a.headline_source == "outside_view":
        return pd.DataFrame()
    view = SimpleNamespace(pooled=ov.forecast, observations=a.observations, target=a.target)
    return fan_data(view, levels=(level,), until=until)


@style.styled
def plot_assessment(a, ax=None, *, levels=DEFAULT_LEVELS, until: int | None = None, title: str | None = None,
                    legend: bool = True, title_width: int = 60, outside_view: bool = True):
    """Published values, the pooled projection's fan, and the target: one `Assessment`.

    ``until`` extends the fan past the target year (e.g. ``until=2030``);
    by default it stops at the target year.  ``outside_view``: also draw the
    stated outside view's median and 80 % band (lines, no fill) when it ran.
    """
    a = getattr(a, "assessment", a)  # a front-door result wraps the engine's Assessment
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.2), layout="constrained")
    obs = a.observations
    if not obs.empty:
        ax.plot(obs.index, obs.values, "o", color=OBSERVED, markersize=6, zorder=3, label="公布值 published")
        ax.axvline(obs.index[-1], color="grey", linestyle=":", linewidth=1, zorder=1)
    fan = fan_data(a, levels=levels, until=until)
    if not fan.empty:
        for level, alpha in zip(sorted(levels, reverse=True), (0.18, 0.35, 0.5), strict=False):
            ax.fill_between(fan.index, fan[f"lower_{level:g}"], fan[f"upper_{level:g}"], color=PROJECTED,
                            alpha=alpha, linewidth=0, label=f"{level:.0%} 区间 interval")
        ax.plot(fan.index, fan["median"], "--", color=PROJECTED, linewidth=1.5, label="预测中位数 projection median")
    ov_fan = outside_view_data(a, until=until) if outside_view else pd.DataFrame()
    if not ov_fan.empty:
        ax.plot(ov_fan.index, ov_fan["median"], "-.", color=OUTSIDE, linewidth=1.3,
                label="外部视角中位数 outside-view median")
        for side in ("lower_0.8", "upper_0.8"):
            ax.plot(ov_fan.index, ov_fan[side], ":", color=OUTSIDE, linewidth=1,
                    label="外部视角 80% outside view" if side == "lower_0.8" else None)
    t = a.target
    sign = COMPARATOR_SIGNS.get(t.comparator, "")
    start = int(obs.index[-1]) if not obs.empty else t.year
    ax.hlines(t.value, min(start, t.year), t.year, colors=TARGET, linestyles=":", linewidth=1)
    ax.plot([t.year], [t.value], marker="*", markersize=15, color=TARGET, linestyle="none", zorder=4,
            label=f"目标 target {sign} {t.value:g} ({t.year})")
    if obs.empty:
        ax.text(0.5, 0.5, "无公布值 no published value", transform=ax.transAxes, ha="center", va="center",
                color="grey")
        ax.set_xlim(t.year - 6, t.year + 1)
    ax.set_xlabel(YEAR_LABEL)
    ax.set_ylabel(unit_label(a.indicator))
    ax.set_title(title if title is not None else indicator_title(a.indicator, width=title_width), loc="left")
    style.integer_years(ax)
    if legend:
        ax.legend(loc="best", frameon=False)
    return ax


@style.styled
def fan_grid(assessments, *, ncols: int = 3, levels=DEFAULT_LEVELS, until: int | None = None,
             panel_size=(4.2, 3.0)):
    """Small multiples: one fan chart per indicator (a mapping id -> Assessment, or a list).

    Each panel has its own y scale (units differ); one legend for the figure.
    """
    items = (list(assessments.items()) if isinstance(assessments, Mapping)
             else [(getattr(a, "assessment", a).indicator, a) for a in assessments])
    if not items:
        raise ValueError("fan_grid needs at least one assessment")
    ncols = max(1, min(ncols, len(items)))
    nrows = -(-len(items) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows), squeeze=False)
    for ax, (name, a) in zip(axes.flat, items, strict=False):
        plot_assessment(a, ax=ax, levels=levels, until=until, legend=False, title=indicator_title(name, width=38))
        ax.title.set_fontsize(8)
        ax.set_xlabel("")
    for ax in axes.flat[len(items):]:
        ax.set_visible(False)
    handles, labels = _legend_entries(axes.flat[:len(items)])
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def _legend_entries(axes):
    seen: dict[str, object] = {}
    for ax in axes:
        for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
            key = "目标 target" if label.startswith("目标 target") else label
            seen.setdefault(key, h)
    return list(seen.values()), list(seen)


# -- data coverage -----------------------------------------------------------------

def coverage_category(status, qualifier) -> str:
    """A published value's evidence class for the coverage map.

    A bound (超 / 以上: ``more_than``, ``at_least``) is a lower bound; 左右 / 近
    (``about``, ``nearly``) an approximate value; otherwise the status as published.
    """
    if status is None or pd.isna(status) or status == "no published value":
        return "no value"
    if qualifier in ("more_than", "at_least"):
        return "lower bound"
    if qualifier in ("at_most",):
        return "upper bound"
    if qualifier in ("about", "nearly"):
        return "about"
    return str(status)


@style.styled
def coverage_heatmap(coverage: pd.DataFrame, ax=None, *, years=None, annotate: bool = True):
    """Indicator x year: what is published and how (seaborn heatmap; gaps stay blank).

    ``coverage`` is the processed ``coverage.csv`` (columns ``indicator, year,
    value, status, qualifier``): one row per published value; an indicator with
    nothing published has a row without a year and shows as an empty row.
    """
    frame = coverage.copy()
    frame["category"] = [coverage_category(s, q) for s, q in zip(frame["status"], frame["qualifier"], strict=True)]
    frame["year"] = pd.to_numeric(frame["year"].astype("string").replace("", pd.NA), errors="coerce")  # empty: nothing published
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    published = frame[frame["year"].notna() & (frame["category"] != "no value")].copy()
    published["year"] = published["year"].astype(int)
    indicators = list(dict.fromkeys(frame["indicator"]))
    if years is None:
        years = range(int(published["year"].min()), int(published["year"].max()) + 1) if len(published) else []
    years = list(years)
    categories = [c for c in STATUS_COLOURS if c == "no value" or c in set(published["category"])]
    categories += sorted(set(published["category"]) - set(categories))
    code = {c: i for i, c in enumerate(categories)}
    grid = pd.DataFrame(code["no value"], index=indicators, columns=years, dtype=float)
    text = pd.DataFrame("", index=indicators, columns=years, dtype=object)
    for row in published.itertuples():
        if row.year in grid.columns:
            grid.loc[row.indicator, row.year] = code[row.category]
            text.loc[row.indicator, row.year] = f"{row.value:g}"
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6, 0.55 * len(years) + 5), 0.42 * len(indicators) + 1.5))
    colours = [STATUS_COLOURS.get(c, "#cccccc") for c in categories]
    cmap = ListedColormap(colours)
    norm = BoundaryNorm(np.arange(len(categories) + 1) - 0.5, len(categories))
    sns.heatmap(grid, ax=ax, cmap=cmap, norm=norm, cbar=False, linewidths=0.5, linecolor="white",
                annot=text.to_numpy() if annotate else False, fmt="", annot_kws={"fontsize": 6})
    ax.set_yticks(np.arange(len(indicators)) + 0.5)
    ax.set_yticklabels([_row_label(i) for i in indicators], rotation=0)
    ax.set_xticks(np.arange(len(years)) + 0.5)
    ax.set_xticklabels([str(y) for y in years], rotation=90)
    ax.set_xlabel(YEAR_LABEL)
    ax.set_ylabel("")
    ax.set_title("公布情况 What is published, by indicator and year", loc="left")
    ax.legend(handles=[Patch(facecolor=STATUS_COLOURS.get(c, "#cccccc"), edgecolor="grey", label=_category_label(c))
                       for c in categories], loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return ax


_CATEGORY_ZH = {"reported": "公布 reported", "preliminary": "初步 preliminary", "derived": "推算 derived",
                "lower bound": "下限 lower bound", "upper bound": "上限 upper bound", "about": "约 about",
                "no value": "无 no value"}


def _category_label(category: str) -> str:
    return _CATEGORY_ZH.get(category, category)


def _row_label(indicator_id: str) -> str:
    ind = _indicator(indicator_id)
    return f"{ind.name_zh}  {indicator_id}" if ind is not None else indicator_id


def _no_data(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color="grey")


# -- track record --------------------------------------------------------------------

@style.styled
def reliability_diagram(table: pd.DataFrame, ax=None, *, hue: str | None = None, title: str | None = None):
    """Forecast probability (binned) against how often the target was met, with counts.

    ``table``: `evaluation.scoring.reliability_table` (columns ``mean_predicted``,
    ``observed_frequency``, ``n``), or several stacked with a ``hue`` column
    (e.g. ``method``).  Empty bins are not drawn; each point is labelled n=...
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5), layout="constrained")
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1, label="完美校准 perfectly calibrated")
    if table.empty:
        _no_data(ax, "no track record yet: make backtest")
        table = pd.DataFrame(columns=["n", "mean_predicted", "observed_frequency"] + ([hue] if hue else []))
    drawn = table[table["n"].astype(float) > 0]
    groups = drawn.groupby(hue, sort=False) if hue else [(None, drawn)]
    palette = sns.color_palette("colorblind", n_colors=max(1, drawn[hue].nunique() if hue else 1))
    for colour, (name, rows) in zip(palette, groups, strict=False):
        ax.plot(rows["mean_predicted"], rows["observed_frequency"], "-o", color=colour, markersize=0,
                linewidth=1, alpha=0.7)
        ax.scatter(rows["mean_predicted"], rows["observed_frequency"], s=20 + 12 * rows["n"], color=colour,
                   alpha=0.8, label=str(name) if name is not None else "预测 forecasts", zorder=3)
        for r in rows.itertuples():
            ax.annotate(f"n={r.n}", (r.mean_predicted, r.observed_frequency), textcoords="offset points",
                        xytext=(6, -10), fontsize=7, color=colour)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel("预测概率 forecast probability (bin mean)")
    ax.set_ylabel("实际达成频率 observed frequency met")
    ax.set_title(title or "可靠性图 Reliability diagram", loc="left")
    ax.legend(loc="upper left", frameon=False)
    return ax


@style.styled
def coverage_by_horizon(table: pd.DataFrame, ax=None, *, level: int = 80, panel: str = "all", members=None,
                        indicator: str | None = None, title: str | None = None):
    """Share of outcomes inside the central ``level`` % interval, by horizon, one line per member;
    one panel per indicator when the table holds several, ``indicator`` is None and no ``ax`` is given.

    ``table``: `evaluation.backtest.coverage_by_horizon` (columns ``indicator, panel, member,
    horizon, n, coverage80, coverage95``).  The dotted line is the nominal level.
    """
    indicators = (sorted(set(table["indicator"].astype(str)))
                  if not table.empty and "indicator" in table.columns else [None])
    if indicator is None and ax is None and len(indicators) > 1:
        fig, axes = plt.subplots(1, len(indicators), figsize=(5 * len(indicators) + 2, 4), sharey=True,
                                 layout="constrained")
        # one colour per member across the panels, and every member in the one legend
        every = sorted(set(table["member"].astype(str)) & set(members if members is not None else table["member"]))
        for i, (one, sub_ax) in enumerate(zip(indicators, axes, strict=True)):
            _coverage_axis(table, sub_ax, level=level, panel=panel, members=members, indicator=one, title=title,
                           legend=i == len(indicators) - 1, hue_order=every)
        return axes
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    return _coverage_axis(table, ax, level=level, panel=panel, members=members, indicator=indicator, title=title,
                          legend=True)


def _coverage_axis(table, ax, *, level, panel, members, indicator, title, legend, hue_order=None):
    column = f"coverage{level}"
    if table.empty:
        _no_data(ax, "no track record yet: make backtest")
        return ax
    rows = table[table["panel"] == panel] if "panel" in table.columns else table
    if members is not None:
        rows = rows[rows["member"].isin(list(members))]
    if indicator is not None and "indicator" in rows.columns:
        rows = rows[rows["indicator"] == indicator]
    if hue_order is not None:  # a member missing here still gets its own colour (and the legend its entry)
        palette = dict(zip(hue_order, sns.color_palette("colorblind", len(hue_order)), strict=True))
        handles = [plt.Line2D([], [], color=palette[m], marker="o", label=m) for m in hue_order] + [
            plt.Line2D([], [], color="grey", linestyle=":", linewidth=1, label=f"名义 nominal {level}%")]
        sns.lineplot(data=rows, x="horizon", y=column, hue="member", marker="o", ax=ax, palette=palette,
                     hue_order=[m for m in hue_order if m in set(rows["member"])], errorbar=None, legend=False)
        if legend:
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small")
            legend = False
    else:
        sns.lineplot(data=rows, x="horizon", y=column, hue="member", marker="o", ax=ax, palette="colorblind",
                     errorbar=None, legend=legend)
    ax.axhline(level / 100, color="grey", linestyle=":", linewidth=1, label=f"名义 nominal {level}%")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("预测期 horizon (years ahead)")
    ax.set_ylabel(f"{level}% 区间覆盖率 interval coverage")
    which = f"{indicator}, " if indicator is not None else ""
    ax.set_title(title or f"{level}% coverage ({which}panel: {panel})", loc="left")
    style.integer_years(ax)
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small")
    return ax


SCORE_PANELS = {"brier": "Brier 分数 Brier score", "log_score": "对数分数 log score",
                "brier_diff_vs_base_rate": "Brier − 基准率 Brier minus base rate"}


@style.styled
def score_intervals(table: pd.DataFrame, *, title: str | None = None):
    """Dot-and-whisker: each method's score (dot) and its 95 % cohort-bootstrap interval (whisker), per metric.

    ``table``: ``method, metric, value, low, high`` (`notebook_support.score_intervals`).
    One panel per metric (lower is better in all of them); the difference
    panel has a line at 0: a whisker crossing it cannot tell the method
    apart from the base rate.  Methods keep the order of the Brier panel
    (best first).  Returns the Figure.
    """
    metrics = [m for m in SCORE_PANELS if not table.empty and m in set(table["metric"])] or ["brier"]
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.6 * len(metrics) + 1.5, 3.6), sharey=True,
                             layout="constrained", squeeze=False)
    axes = axes[0]
    if table.empty:
        _no_data(axes[0], "no track record yet: make backtest")
        return fig
    order = table[table["metric"] == metrics[0]].sort_values("value")["method"].tolist()
    order += [m for m in dict.fromkeys(table["method"]) if m not in order]
    pos = {m: i for i, m in enumerate(order)}
    palette = dict(zip(order, sns.color_palette("colorblind", n_colors=len(order)), strict=True))
    for ax, metric in zip(axes, metrics, strict=True):
        rows = table[table["metric"] == metric]
        for r in rows.itertuples():
            y = pos[r.method]
            colour = palette[r.method]
            if pd.notna(r.low) and pd.notna(r.high):
                ax.plot([r.low, r.high], [y, y], color=colour, linewidth=2, solid_capstyle="butt")
            ax.plot([r.value], [y], "o", color=colour, markersize=6, zorder=3)
        if metric == "brier_diff_vs_base_rate":
            ax.axvline(0, color="grey", linestyle=":", linewidth=1)
        ax.set_title(SCORE_PANELS[metric], loc="left", fontsize=10)
        ax.set_xlabel("越低越好 lower is better")
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(range(len(order)), order)
    axes[0].set_ylim(len(order) - 0.5, -0.5)
    fig.suptitle(title or "得分及其95%区间 Scores with their 95% cohort-bootstrap intervals", x=0.01, ha="left")
    return fig


# -- peers ---------------------------------------------------------------------------

@style.styled
def peer_grid(panel: pd.DataFrame, *, indicators=None, regions=None, highlight: str = "Taicang", ncols: int = 2,
              panel_size=(5.0, 3.4)):
    """Small multiples: one axes per indicator (= one definition), regions as lines.

    ``panel``: tidy ``region, indicator, year, value``.  Different definitions
    (口径) are different registry ids, so they never share an axes: a region
    whose figure is on another definition appears only in that definition's
    panel.  Lines break at unpublished years; every published value is a dot.
    """
    ids = list(indicators) if indicators is not None else list(dict.fromkeys(panel["indicator"]))
    if not ids:
        raise ValueError("peer_grid needs at least one indicator")
    regions = list(regions) if regions is not None else sorted(set(panel["region"]), key=lambda r: (r != highlight, r))
    palette = dict(zip(regions, sns.color_palette("tab10", n_colors=len(regions)), strict=True))
    ncols = max(1, min(ncols, len(ids)))
    nrows = -(-len(ids) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows), squeeze=False)
    for ax, ind in zip(axes.flat, ids, strict=False):
        rows = panel[panel["indicator"] == ind]
        for region in regions:
            s = rows[rows["region"] == region].set_index("year")["value"].sort_index()
            if s.empty:
                continue
            s.index = s.index.astype(int)
            full = s.reindex(range(int(s.index.min()), int(s.index.max()) + 1))  # NaN breaks the line at a gap
            bold = region == highlight
            ax.plot(full.index, full.to_numpy(dtype=float), "-", color=palette[region], linewidth=2.2 if bold else 1.1)
            ax.plot(s.index, s.to_numpy(dtype=float), "o", color=palette[region], markersize=5 if bold else 3.5,
                    label=region)
        ax.set_title(indicator_title(ind, width=45), loc="left", fontsize=8)
        ax.set_ylabel(unit_label(ind))
        style.integer_years(ax)
        if rows.empty:
            ax.text(0.5, 0.5, "无可比数据 no comparable data", transform=ax.transAxes, ha="center", color="grey")
            ax.set_xticks([])
            ax.set_yticks([])
        else:
            ax.legend(loc="best", frameon=False, fontsize=7)
    for ax in axes.flat[len(ids):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


# -- scenarios and the brief -------------------------------------------------------------

SCENARIO = "#6a1b9a"  # a user-set what-if path: purple


@style.styled
def plot_scenario(a, scenario, ax=None, *, levels=DEFAULT_LEVELS, until: int | None = None):
    """The assessment's fan with a what-if path (`assessment.scenarios.Scenario`) drawn over it."""
    scenario = getattr(scenario, "scenario", scenario)  # a front-door ScenarioResult wraps the engine's Scenario
    ax = plot_assessment(a, ax=ax, levels=levels, until=until, legend=False)
    path = scenario.path
    ax.plot(path.index, path.to_numpy(dtype=float), "-", color=SCENARIO, linewidth=2,
            label=(f"情景 scenario: numerator {scenario.numerator_growth:+.1%}/yr, "
                   f"denominator {scenario.denominator_growth:+.1%}/yr"))
    ax.legend(loc="best", frameon=False)
    style.integer_years(ax)
    return ax


@style.styled
def traffic_lights(table: pd.DataFrame, ax=None, *, columns=("name_zh", "latest", "year", "target", "observed_pace",
                                                            "required_pace", "status", "probability")):
    """The plan on one page: one row per target, the light column coloured by grade.

    ``table``: `notebook_support.plan_table` (needs a ``light`` column: green, amber, red, grey).
    """
    columns = [c for c in columns if c in table.columns]
    if ax is None:
        _, ax = plt.subplots(figsize=(13, 0.24 * len(table) + 0.8))
    ax.axis("off")
    cells = table[columns].astype(object).where(table[columns].notna(), "—")
    cells = cells.map(lambda v: f"{v:.0%}" if isinstance(v, float) and 0 <= v <= 1 else
                      (f"{int(v)}" if isinstance(v, float) and float(v).is_integer() else str(v)))
    text_rows = [["●"] + list(r) for r in cells.itertuples(index=False)]
    header = ["", *[_COLUMN_LABELS.get(c, c) for c in columns]]
    tbl = ax.table(cellText=text_rows, colLabels=header, loc="upper left", cellLoc="left")
    tbl.auto_set_font_size(False)
    tbl.set_fontsize(7.5)
    tbl.auto_set_column_width(list(range(len(header))))
    for (row, col), cell in tbl.get_celld().items():
        cell.set_edgecolor("#dddddd")
        if row == 0:
            cell.set_text_props(fontweight="bold")
        elif col == 0:
            light = table["light"].iloc[row - 1]
            cell.get_text().set_color(style.TRAFFIC_LIGHT.get(light, "grey"))
            cell.get_text().set_fontsize(12)
    ax.set_title("规划指标一览 Every target of the plan: grade and probability", loc="left")
    return ax


_COLUMN_LABELS = {"name_zh": "指标 indicator", "latest": "最新值 latest", "year": "年份 year",
                  "target": "目标 target", "observed_pace": "实际增速 observed", "required_pace": "所需增速 required",
                  "status": "评级 grade", "probability": "达成概率 P(met)"}
