"""The last-resort probability: how often past plan targets of the region's regime were met.

Where neither the pool nor a stated outside view can run (one published value and no fair
analogue), the only honest number left is the reference class of plan targets themselves: the
share met among the scored past targets of the same regime whose outcome was known at the as-of
date.  It knows nothing about the indicator, its level or its ambition, and says so; it is the
preregistered base-rate baseline (docs/preregistration.md, section 4) taken by regime, because
Chinese regions' targets and countries' (mostly the EU's Lisbon targets) were met at very
different rates.  The record itself is computed in `evaluation.plan_record`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

MIN_CASES = 10  # fewer scored cases of the regime than this: no base rate is offered
REGIME_NAMES = {"cn_regions": "Chinese regions", "countries": "countries"}
REGIME_NAMES_ZH = {"cn_regions": "中国地区", "countries": "国家"}


@dataclass(frozen=True)
class BaseRate:
    """The share met among scored past plan targets of one regime, known at ``known_by``."""

    regime: str  # "cn_regions" | "countries" (`evaluation.scoring.regime_of`)
    n_cases: int
    n_met: int
    n_cohorts: int  # cohorts (regime and year set) of those cases
    low: float  # the share met: cohort-bootstrap interval at ``level``
    high: float
    level: float
    all_cases: int  # every regime, for the reader's comparison
    all_met: int
    known_by: str | None  # ISO date: cases whose outcome was published by then (None: every published outcome)
    source: str  # the table the cases come from

    @property
    def probability(self) -> float:
        """(k + 0.5) / (n + 1): the rule every other P(met) follows, never exactly 0 or 1."""
        return (self.n_met + 0.5) / (self.n_cases + 1)

    @property
    def usable(self) -> bool:
        return self.n_cases >= MIN_CASES

    def to_dict(self) -> dict:
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return {**out, "probability": self.probability, "usable": self.usable, "min_cases": MIN_CASES}

    def _known_text(self) -> str:
        return "every published outcome" if self.known_by is None else f"outcomes published by {self.known_by}"

    def reason(self) -> str:
        """Why this number is the headline, and what it cannot say."""
        return (f"neither the pool nor a stated outside view can run, so the base rate gives the probability: "
                f"{self.n_met} of {self.n_cases} past plan targets of {REGIME_NAMES.get(self.regime, self.regime)} "
                f"met ({self.n_cohorts} cohorts; {self._known_text()}), (k + 0.5) / (n + 1); "
                f"{self.level:.0%} cohort-bootstrap interval of the share {self.low:.2f}-{self.high:.2f}; "
                f"all regimes: {self.all_met} of {self.all_cases}.  It knows nothing about this indicator or its "
                f"ambition")


def with_base_rate(assessment, rate: BaseRate | None):
    """``assessment`` with the regime's base rate attached; it becomes the headline probability
    (``headline_source == "base_rate"``) only where the region published a value, the target year
    lies ahead, no other method gave a probability and the regime has ``MIN_CASES`` scored cases."""
    if rate is None:
        return assessment
    obs = assessment.observations
    headline = (assessment.probability is None and obs.size > 0 and assessment.target.year > int(obs.index[-1])
                and rate.usable)
    if not headline:
        return replace(assessment, base_rate=rate)
    from .assess import NO_PANEL_NOTE  # about the pool's probability, which there is none of here

    return replace(assessment, base_rate=rate, probability=rate.probability, probability_reason=rate.reason(),
                   headline_source="base_rate", notes=tuple(n for n in assessment.notes if n != NO_PANEL_NOTE))
