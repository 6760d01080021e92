"""Which panel gives each Table 2 indicator its outside view, for what, and why (or why none does).

A reference class is only as fair as its definition is close to the target's.
This is the stated choice per indicator of the 14th plan's Table 2 (issue 10,
item 1), one typed row each, so code can read it and a reviewer can check it:

* ``collection`` / ``panel_indicator``: the collection in ``data/raw`` and the
  registry indicator whose values form the class (``None`` for both: none).
* ``fair_for``: ``"level"`` (same definition: levels, and so growth, are
  comparable), ``"growth"`` (a proxy: only growth rates carry over, levels do
  not) or ``"none"``.
* ``reason``: one sentence.

``peers`` narrows an ``observations`` class to the regions that publish the
same definition (the collection holds other regions' figures too).
Wiring this into ``assess`` is not done here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FairFor = Literal["level", "growth", "none"]
FAIR_FOR: tuple[str, ...] = ("level", "growth", "none")


@dataclass(frozen=True)
class OutsideView:
    """The outside view of one Table 2 indicator (see the module docstring)."""

    indicator: str
    collection: str | None
    panel_indicator: str | None
    fair_for: FairFor
    reason: str
    peers: tuple[str, ...] = ()

    def __post_init__(self):
        if self.fair_for not in FAIR_FOR:
            raise ValueError(f"{self.indicator}: fair_for must be one of {FAIR_FOR}, got {self.fair_for!r}")
        if (self.collection is None) != (self.panel_indicator is None):
            raise ValueError(f"{self.indicator}: collection and panel_indicator are both set or both None")
        if (self.collection is None) != (self.fair_for == "none"):
            raise ValueError(f"{self.indicator}: fair_for 'none' exactly when there is no panel")


_NO_PANEL = "no panel of it in data/raw"

OUTSIDE_VIEWS: dict[str, OutsideView] = {v.indicator: v for v in (
    OutsideView("rd_intensity", "cn_provinces", "rd_intensity", "level",
                "The same statistic (R&D spending / GDP) for China's provinces, the regime a Chinese county "
                "belongs to (provinces grow about 4.5 %/yr in logs, countries about 1.2 %/yr)."),
    OutsideView("st_progress_contribution", None, None, "none",
                f"A model-based estimate (Solow-residual share) each bureau computes its own way: {_NO_PANEL} "
                "on one method, and no other region's figure would be comparable."),
    OutsideView("high_value_invention_patents_per_10k", "cn_provinces", "invention_patents_per_10k", "growth",
                "Provinces' all-valid invention patents per 10k residents is a proxy: high-value patents are a "
                "subset (about 40 % nationally) whose share has risen, so the proxy understates growth and its "
                "levels are not comparable."),
    OutsideView("hightech_output_share", "observations", "hightech_output_share", "level",
                "Jiangsu's own 高新技术产业 share, published on the same definition by Suzhou, its county-level "
                "cities and the province, are the fair peers; NBS high-technology manufacturing is much "
                "narrower and is never used.",
                peers=("Suzhou", "Changshu", "Jiangsu", "Sunan (5 cities)")),
    OutsideView("hightech_enterprises_valid", "cn_provinces", "hightech_enterprises_recognised", "growth",
                "A certificate lasts three years, so a 3-year rolling sum of provinces' yearly recognitions "
                "approximates the valid stock: fair for growth, not levels (the lists count re-certified and "
                "since-lapsed firms)."),
    OutsideView("tech_smes_registered", None, None, "none",
                f"A yearly re-registration flow (科技型中小企业评价入库) of a national scheme: {_NO_PANEL} by "
                "region."),
    OutsideView("tech_contract_turnover", "cn_provinces", "tech_market_turnover_seller", "growth",
                "Provinces' technology-market turnover by seller region (S&T yearbook) counts the contracts a "
                "region sells, as the plan's figure does, but local headlines are registration-based and differ "
                "in level: growth only."),
    OutsideView("provincial_enterprise_rd_institutions", None, None, "none",
                f"A count of Jiangsu's provincial designations: {_NO_PANEL}, and designation quotas differ "
                "between provinces."),
    OutsideView("incubators_and_maker_spaces", None, None, "none",
                f"Municipal-and-above designations set by each city's own scheme: {_NO_PANEL}."),
    OutsideView("st_leading_talents", None, None, "none",
                "A count under Taicang's own talent programme: no other region runs it."),
    OutsideView("major_innovation_teams", None, None, "none",
                "A count under Taicang's own innovation-team programme: no other region runs it."),
    OutsideView("foreign_talents", None, None, "none",
                f"Foreign-expert work-permit counts are not published by region in a series: {_NO_PANEL}."),
    OutsideView("new_incubator_area", None, None, "none",
                f"Floor area put into use over the plan period, a local building programme: {_NO_PANEL}."),
    OutsideView("new_rd_institutions", None, None, "none",
                f"New-type R&D institutions are recognised by each locality's own rules: {_NO_PANEL}."),
    OutsideView("new_listed_tech_firms", None, None, "none",
                f"Listings over the plan period are a few lumpy events for a county: {_NO_PANEL} by county, "
                "and a province's count would not scale to one."),
)}


def outside_view(indicator: str) -> OutsideView:
    """The stated outside view of a Table 2 indicator; a clear error for any other id."""
    try:
        return OUTSIDE_VIEWS[indicator]
    except KeyError:
        raise KeyError(f"no outside view stated for {indicator!r}; stated for: "
                       f"{', '.join(sorted(OUTSIDE_VIEWS))}") from None
