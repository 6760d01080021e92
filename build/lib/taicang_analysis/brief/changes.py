"""What changed between two briefs, from their ``headline.json``: new or revised
figures, changed probabilities, changed grades.  Pure: dicts in, typed records out."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..present import sentences

KINDS = ("new_indicator", "dropped_indicator", "new_figure", "revised_figure", "probability", "grade")


@dataclass(frozen=True)
class Change:
    kind: str  # one of KINDS
    indicator: str
    year: int | None = None
    old: float | str | None = None
    new: float | str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _shown_probability(p: float | None) -> str:
    return sentences.pct(p)


def diff_headlines(old: dict, new: dict) -> list[Change]:
    """Changes from ``old`` to ``new`` (each a headline dict with 'rows').

    A probability counts as changed when it prints differently (whole percent), so the
    list never reports a change a reader cannot see.
    """
    before = {r["indicator"]: r for r in old.get("rows", [])}
    after = {r["indicator"]: r for r in new.get("rows", [])}
    out: list[Change] = []
    for ind, r in after.items():
        if ind not in before:
            out.append(Change("new_indicator", ind))
            continue
        o = before[ind]
        old_obs, new_obs = o.get("observations", {}), r.get("observations", {})
        for year in sorted(new_obs, key=int):
            if year not in old_obs:
                out.append(Change("new_figure", ind, int(year), None, new_obs[year]))
            elif new_obs[year] != old_obs[year]:
                out.append(Change("revised_figure", ind, int(year), old_obs[year], new_obs[year]))
        if _shown_probability(o.get("probability")) != _shown_probability(r.get("probability")):
            out.append(Change("probability", ind, None, o.get("probability"), r.get("probability")))
        if o.get("status") != r.get("status"):
            out.append(Change("grade", ind, None, o.get("status"), r.get("status")))
    out.extend(Change("dropped_indicator", ind) for ind in before if ind not in after)
    return out


def describe(change: Change, names: dict[str, dict[str, str]], lang: str) -> str:
    """One sentence for a change; ``names``: indicator -> {'zh': ..., 'en': ...}."""
    name = names.get(change.indicator, {}).get(lang, change.indicator)
    if change.kind in ("new_indicator", "dropped_indicator"):
        return sentences.say(f"change_{change.kind}", lang, name=name)
    if change.kind == "new_figure":
        return sentences.say("change_new_figure", lang, name=name, year=change.year,
                             value=sentences.number(change.new))
    if change.kind == "revised_figure":
        return sentences.say("change_revised_figure", lang, name=name, year=change.year,
                             old=sentences.number(change.old), new=sentences.number(change.new))
    if change.kind == "probability":
        return sentences.say("change_probability", lang, name=name, old=sentences.pct(change.old),
                             new=sentences.pct(change.new))
    return sentences.say("change_grade", lang, name=name, old=sentences.grade(change.old, lang),
                         new=sentences.grade(change.new, lang))
