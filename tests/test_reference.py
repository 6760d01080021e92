"""Reference classes on a hand-made panel where every match and weight is checkable.

Panel 2010-2016, target level 2.0 growing 5 %/yr, k = 2, default bands
(|log level ratio| <= 0.35, growth within +-0.04):

* A = 2.0·1.05^(y-2013), every year: origins 2013 and 2014 match (2010-2012
  have no observation 3-5 years back; 2015-2016 have no t+2).
* B = 2.0·1.15^(y-2013): growing 15 %/yr, 10 pp too fast: no match.
* C = 10·1.05^(y-2013): level log(5) = 1.61 away: no match.
* D = 2.2·1.06^(y-2013), 2010-2015 only: 2013 matches; 2014 has no 2016.
* E = 1.9·1.02^(y-2013): 3 pp slower, inside the band: 2013, 2014 match.

So 5 matches from 3 regions; weights A 1/6, 1/6, D 1/3, E 1/6, 1/6.
"""


import numpy as np
import pandas as pd
import pytest

from taicang_analysis.forecast.models import Skipped, fit_all
from taicang_analysis.forecast.reference import (ReferenceClass, ReferenceForecast, build_reference_class,
                                        recent_growth, reference_forecast)

YEARS = range(2010, 2017)
SPECS = {"A": (2.0, 0.05, YEARS), "B": (2.0, 0.15, YEARS), "C": (10.0, 0.05, YEARS),
         "D": (2.2, 0.06, range(2010, 2016)), "E": (1.9, 0.02, YEARS)}


def hand_panel(specs=SPECS):
    return pd.DataFrame([(r, y, base * (1 + g) ** (y - 2013))
                         for r, (base, g, years) in specs.items() for y in years],
                        columns=["region", "year", "value"])


def build(**kw):
    args = dict(level=2.0, recent_growth=0.05, k=2, scale="log", panel_name="hand", min_matches=1)
    return build_reference_class(hand_panel(), **{**args, **kw})


def pairs(rc):
    return sorted(zip(rc.matches["region"], rc.matches["origin_year"]))


def test_hand_panel_matches_and_weights():
    rc = build()
    assert isinstance(rc, ReferenceClass)
    assert pairs(rc) == [("A", 2013), ("A", 2014), ("D", 2013), ("E", 2013), ("E", 2014)]
    assert rc.n_regions == 3
    w = dict(zip(zip(rc.matches["region"], rc.matches["origin_year"]), rc.matches["weight"]))
    assert w[("A", 2013)] == pytest.approx(1 / 6) and w[("D", 2013)] == pytest.approx(1 / 3)
    assert rc.matches["weight"].sum() == pytest.approx(1.0)
    change = dict(zip(rc.matches["region"], rc.matches["change"]))
    assert change["A"] == pytest.approx(2 * np.log(1.05))   # log ratio over k = 2 years
    assert change["D"] == pytest.approx(2 * np.log(1.06))
    a13 = rc.matches.iloc[0]
    assert a13["level"] == pytest.approx(2.0) and a13["recent_growth"] == pytest.approx(0.05)
    assert "5 matches from 3 regions" in rc.rule and "<= 0.35" in rc.rule
    assert "widened" not in rc.rule


def test_exclude_regions_removes_them_and_reweights():
    rc = build(exclude_regions=("E",))
    assert pairs(rc) == [("A", 2013), ("A", 2014), ("D", 2013)]
    assert sorted(rc.matches["weight"]) == pytest.approx([0.25, 0.25, 0.5])
    assert "excluding E" in rc.rule


def test_max_origin_year_cuts_everything_after_it():
    rc = build(max_origin_year=2015)  # t + 2 <= 2015, so only 2013 origins
    assert pairs(rc) == [("A", 2013), ("D", 2013), ("E", 2013)]
    assert rc.matches["weight"].tolist() == pytest.approx([1 / 3] * 3)
    changed = hand_panel()
    changed.loc[changed["year"] == 2016, "value"] = 999.0  # a later revision must not leak
    rc2 = build_reference_class(changed, level=2.0, recent_growth=0.05, k=2, scale="log",
                                panel_name="hand", min_matches=1, max_origin_year=2015)
    pd.testing.assert_frame_equal(rc.matches, rc2.matches)
    assert rc.rule == rc2.rule


def test_unknown_recent_growth_matches_on_level_only():
    rc = build(recent_growth=None)
    # growth no longer filters: early origins (no history) and fast B now match on level
    assert ("A", 2010) in pairs(rc) and ("B", 2013) in pairs(rc)
    assert not any(r == "C" for r, _ in pairs(rc))
    assert "recent growth not used" in rc.rule


def test_widening_is_reported_and_then_gives_up():
    # 6 needed, 5 at the default bands: widening x1.5 three times (growth band 0.135)
    # admits B (10 pp faster) at 2013 (level 2.0) and 2014 (2.3): 7 matches
    rc = build(min_matches=6)
    assert isinstance(rc, ReferenceClass)
    assert ("B", 2013) in pairs(rc) and len(rc.matches) == 7
    assert "widened x1.5 3 time(s)" in rc.rule
    skipped = build(min_matches=8)
    assert isinstance(skipped, Skipped) and "only 7 matches < min_matches 8" in skipped.reason


def test_logit_scale_changes_of_shares():
    panel = pd.DataFrame({"region": ["X", "X", "X", "X"], "year": [2010, 2013, 2014, 2015],
                          "value": [40.0, 50.0, 55.0, 60.0]})
    rc = build_reference_class(panel, level=50.0, recent_growth=None, k=2, scale="logit",
                               panel_name="shares", min_matches=1)
    # 2013 -> 2015: logit(0.6) - logit(0.5) = log(1.5)
    assert pairs(rc) == [("X", 2013)]
    assert rc.matches["change"].iloc[0] == pytest.approx(np.log(1.5))


def test_recent_growth_of_county_series():
    assert recent_growth(pd.Series([2.6, 3.3, 3.9], index=[2010, 2015, 2020])) == \
        pytest.approx((3.9 / 3.3) ** (1 / 5) - 1)                       # 5 years back
    assert recent_growth(pd.Series([1.0, 1.331], index=[2017, 2020])) == pytest.approx(0.1)
    assert recent_growth(pd.Series([1.0, 2.0], index=[2014, 2020])) is None  # 6 years: too far
    assert recent_growth(pd.Series([1.0, 2.0], index=[2018, 2020])) is None  # 2 years: too close


# -- forecasts -------------------------------------------------------------------------------

SERIES = pd.Series([2.0 / 1.05 ** 5, 2.0], index=[2008, 2013])  # level 2.0, recent growth 5 %


def forecast(**kw):
    args = dict(kind="rate", panel_name="hand", min_matches=1, n_draws=20_000, seed=0)
    return reference_forecast(SERIES, 2015, hand_panel(), **{**args, **kw})


def test_forecast_draws_follow_the_weights():
    f = forecast()
    assert isinstance(f, ReferenceForecast) and f.model == "reference_class"
    assert f.years == (2014, 2015) and [rc.k for rc in f.classes] == [1, 2]
    # at k = 2 every draw is 2.0·exp(change) of one match, with the match's weight
    got = pd.Series(np.round(f.draws[:, 1], 9)).value_counts(normalize=True)
    expect = {round(2.0 * 1.05 ** 2, 9): 1 / 3, round(2.0 * 1.06 ** 2, 9): 1 / 3,
              round(2.0 * 1.02 ** 2, 9): 1 / 3}  # A, D and E each a third
    assert set(got.index) == set(expect)
    for value, p in expect.items():
        assert got[value] == pytest.approx(p, abs=0.015)
    assert f.growth == pytest.approx(0.05)  # weighted median change at k=2 is A's


def test_forecast_paths_are_rank_coupled():
    f = forecast()
    # the same uniform rank drives both years, so a low draw in 2014 is low in 2015
    assert np.corrcoef(f.draws[:, 0], f.draws[:, 1])[0, 1] > 0.7


def test_forecast_is_deterministic_and_respects_as_of_cut():
    a, b, c = forecast(seed=3), forecast(seed=3), forecast(seed=4)
    assert np.array_equal(a.draws, b.draws) and not np.array_equal(a.draws, c.draws)
    changed = hand_panel()
    changed.loc[changed["year"] == 2016, "value"] *= 3
    cut = dict(kind="rate", panel_name="hand", min_matches=1, max_origin_year=2015, seed=3)
    assert np.array_equal(reference_forecast(SERIES, 2015, hand_panel(), **cut).draws,
                          reference_forecast(SERIES, 2015, changed, **cut).draws)


def test_forecast_skipped_names_the_horizon():
    out = forecast(min_matches=50)
    assert isinstance(out, Skipped) and out.reason.startswith("horizon k=1:")


def test_shares_stay_inside_bounds():
    rng = np.random.default_rng(0)
    rows = []
    for r in range(40):  # shares racing towards 100: big logit gains
        logit = rng.normal(2.5, 0.5) + rng.normal(0.4, 0.2) * np.arange(25)
        rows += [(f"R{r}", 2010 + i, 100 / (1 + np.exp(-v))) for i, v in enumerate(logit)]
    panel = pd.DataFrame(rows, columns=["region", "year", "value"])
    series = pd.Series([93.0, 96.5, 98.0], index=[2015, 2018, 2020])
    f = reference_forecast(series, 2028, panel, kind="share", panel_name="racing", min_matches=5)
    assert isinstance(f, ReferenceForecast), f
    assert np.all((f.draws > 0) & (f.draws < 100))
    assert f.median().iloc[-1] > 98.0


def test_bad_panel_raises():
    with pytest.raises(ValueError, match="lacks columns"):
        build_reference_class(pd.DataFrame({"region": [], "year": []}), level=1, recent_growth=None,
                              k=1, scale="log", panel_name="x")
    dup = pd.concat([hand_panel(), hand_panel().head(1)])
    with pytest.raises(ValueError, match="duplicate"):
        build_reference_class(dup, level=2, recent_growth=None, k=1, scale="log", panel_name="x")


# -- known truth and speed ---------------------------------------------------------------------

def walk_panel(n_regions, years, seed, drift=0.05, sd=0.03):
    """Log levels: random start, then a random walk with drift (the same process for everyone)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 0.5, (n_regions, 1)) + np.cumsum(drift + sd * rng.standard_normal(
        (n_regions, len(years))), axis=1)
    return np.exp(z)


def test_reference_interval_covers_about_80pct_when_panel_and_case_share_a_process():
    """200 held-out random walks, each judged by a 200-region panel of the same walk.

    In a random walk the next 5 years' change does not depend on level or past
    growth, so whatever the matching selects, the class's 5-year changes have
    the true predictive distribution and the 80 % interval should cover the
    realised 2025 value 80 % of the time (200 trials: sd 0.028; 0.70-0.90 is
    a 3.5-sd band).
    """
    years = np.arange(1996, 2025)
    wide = walk_panel(200, years, seed=1)
    panel = pd.DataFrame({"region": np.repeat([f"R{i}" for i in range(200)], len(years)),
                          "year": np.tile(years, 200), "value": wide.ravel()})
    cases = walk_panel(200, np.arange(2010, 2026), seed=2)
    observed = np.array([2010, 2015, 2018, 2020]) - 2010
    hits = []
    for i, path in enumerate(cases):
        series = pd.Series(path[observed], index=observed + 2010)
        f = reference_forecast(series, 2025, panel, kind="rate", panel_name="walks",
                               n_draws=2000, seed=i)
        lo, hi = f.interval(0.8).loc[2025]
        hits.append(lo <= path[-1] <= hi)
    assert 0.70 <= np.mean(hits) <= 0.90, np.mean(hits)


def test_one_indicator_gets_every_model_and_the_reference_class():
    """The inputs `benchmarks/bench_models.py` times: six models and one reference class (timing lives there)."""
    years = np.arange(2011, 2024)
    panel = pd.DataFrame({"region": np.repeat([f"P{i}" for i in range(31)], len(years)),
                          "year": np.tile(years, 31),
                          "value": 2.5 * walk_panel(31, years, seed=0).ravel()})
    series = pd.Series([2.6, 3.3, 3.9], index=[2010, 2015, 2020])
    fitted = fit_all(series, 2025, kind="share")
    ref = reference_forecast(series, 2025, panel, kind="share", panel_name="provinces", max_origin_year=2020)
    assert isinstance(ref, ReferenceForecast) and len(fitted) == 6
