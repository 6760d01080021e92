"""The index page and the headline: every Table 2 target, both languages with identical numbers,
and what changed since an earlier brief."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from taicang_analysis.assessment import plans
from taicang_analysis.brief import changes, headline, render, runner
from taicang_analysis.data import io as data_io
from taicang_analysis.data import registry
from taicang_analysis.present import sentences

from test_brief_runner import NOTEBOOKS


@pytest.fixture(scope="module")
def head():
    return headline.headline(as_of="2024-06-30", draws=1000, seed=0, calibration="none")


def _table_text(page: str) -> str:
    """The headline table's number cells (names and words differ by language; numbers must not)."""
    table = page[page.index('<table class="brief headline"'):page.index("</table>") + 8]
    cells = re.findall(r'<td class="num">(.*?)</td>', table)
    return " | ".join(re.sub(r'<span lang="[^"]+"( class="en")?>[^<]*</span>', "", c) for c in cells)


def _numbers(text: str) -> list[str]:
    return sorted(re.findall(r"\d+(?:\.\d+)?%?", text))


def test_headline_has_every_table2_target_in_plan_order(head):
    targets = data_io.read_processed("targets.csv")
    expected = list(plans.plan_targets(targets, target_year=2025)["indicator"])
    assert [r["indicator"] for r in head["rows"]] == expected and len(expected) >= 10
    rd = next(r for r in head["rows"] if r["indicator"] == "rd_intensity")
    assert rd["name_zh"] == registry.get("rd_intensity").name_zh
    assert rd["target_value"] == 4.2 and rd["comparator"] == "ge"
    # the latest value as published by the as-of date, and the light follows the stated rule
    assert rd["latest_year"] == max(int(y) for y in rd["observations"])
    for r in head["rows"]:
        assert r["light"] == headline.traffic_light(r["probability"], r["status"], r["probability_source"])


def test_traffic_light_rule():
    assert headline.traffic_light(0.7, "moving_away") == "green"  # the probability decides when there is one
    assert headline.traffic_light(0.69, "on_track") == "amber"
    assert headline.traffic_light(0.29, "on_track") == "red"
    assert headline.traffic_light(None, "target_already_met") == "green"
    assert headline.traffic_light(None, "acceleration_needed") == "amber"
    assert headline.traffic_light(None, "moving_away") == "red"
    assert headline.traffic_light(None, "not_assessable") == "grey"


def test_an_unknown_plan_is_named(head):
    assert "taicang_14th_st" in headline.plan_ids()
    with pytest.raises(ValueError, match="plan 'nope' is unknown; known plans: .*taicang_14th_st"):
        headline.check_plan("nope")
    assert head["settings"]["plan"] == "taicang_14th_st"  # None = the default plan, named


def test_the_headline_is_the_apis_numbers(head):
    import taicang_analysis as ta
    study = ta.Study(as_of="2024-06-30", draws=1000, seed=0, calibration="none")
    by_id = {r["indicator"]: r for r in head["rows"]}
    for result in study.assess_all():
        d = result.to_dict()
        assert by_id[d["indicator"]]["probability"] == d["probability"]
        assert by_id[d["indicator"]]["status"] == d["status"]


def _page(head, lang):
    return render.index_page(head=head, runs=[], changes=None, since=None, langs=sentences.langs_for(lang),
                             as_of="2024-06-30", generated="2024-07-01 00:00 UTC", figures={}, pdf=False)


def test_index_in_chinese_and_english_shows_the_same_numbers(head):
    zh, en, both = (_page(head, lang) for lang in ("zh", "en", "both"))
    assert "全社会研发经费支出占地区生产总值比重" in zh and "R&amp;D expenditure as % of GDP" not in zh
    assert "R&amp;D expenditure as % of GDP" in en and "全社会研发经费支出占地区生产总值比重" not in en
    assert "全社会研发经费支出占地区生产总值比重" in both and "R&amp;D expenditure as % of GDP" in both
    assert _numbers(_table_text(zh)) == _numbers(_table_text(en)) != []
    for r in head["rows"]:
        if r["probability"] is not None:
            shown = sentences.pct(r["probability"])
            assert shown in _table_text(zh) and shown in _table_text(en)


def test_every_template_has_both_languages_with_the_same_slots():
    for key, forms in sentences.TEMPLATES.items():
        assert set(forms) == set(sentences.LANGS), key
        fields = [set(re.findall(r"{(\w+)}", forms[lang])) for lang in sentences.LANGS]
        assert fields[0] == fields[1], key
    for table in (sentences.GRADES, sentences.LIGHTS):
        assert all(set(v) == set(sentences.LANGS) for v in table.values())
    assert set(sentences.GRADES) == set(__import__("taicang_analysis.assessment.assess", fromlist=["x"]).STATUSES)


def _row(ind, obs, p, status):
    return {"indicator": ind, "observations": obs, "probability": p, "status": status}


def test_diff_lists_new_and_revised_figures_changed_probabilities_and_grades():
    old = {"rows": [_row("a", {"2019": 1.0, "2020": 2.0}, 0.30, "on_track"), _row("b", {}, None, "not_assessable"),
                    _row("gone", {}, None, "not_assessable")]}
    new = {"rows": [_row("a", {"2019": 1.0, "2020": 2.1, "2021": 2.5}, 0.304, "acceleration_needed"),
                    _row("b", {"2022": 7.0}, 0.5, "required_pace_only"), _row("c", {}, None, "not_assessable")]}
    got = {(c.kind, c.indicator, c.year) for c in changes.diff_headlines(old, new)}
    assert got == {("revised_figure", "a", 2020), ("new_figure", "a", 2021), ("grade", "a", None),
                   ("new_figure", "b", 2022), ("probability", "b", None), ("grade", "b", None),
                   ("new_indicator", "c", None), ("dropped_indicator", "gone", None)}
    # 30 % -> 30.4 % prints the same: not a change a reader could see
    assert not any(c.kind == "probability" and c.indicator == "a" for c in changes.diff_headlines(old, new))
    assert changes.diff_headlines(new, new) == []


def test_change_sentences_carry_the_same_numbers_in_both_languages():
    c = changes.Change("revised_figure", "rd_intensity", 2020, 3.3, 3.34)
    names = {"rd_intensity": {"zh": "研发强度", "en": "R&D intensity"}}
    zh, en = (changes.describe(c, names, lang) for lang in ("zh", "en"))
    assert _numbers(zh) == _numbers(en) == sorted(["2020", "3.3", "3.34"])


def _fake(rows_by_as_of):
    def fn(*, as_of, plan=None, **_):
        return {"rows": rows_by_as_of[as_of], "basis": "test", "settings": {}}
    return fn


def test_a_later_brief_lists_what_changed_since_the_newest_earlier_one(tmp_path):
    base = {"name_zh": "全社会研发经费支出占地区生产总值比重", "name_en": "R&D expenditure as % of GDP", "unit": "%",
            "target_value": 4.2, "target_year": 2025, "comparator": "ge", "comparator_sign": "≥",
            "median": None, "lower": None, "upper": None, "level": None, "indicator": "rd_intensity"}
    rows = {
        "2023-06-30": [dict(base, observations={"2020": 3.3}, latest_value=3.3, latest_year=2020, probability=0.2,
                            status="acceleration_needed", light="red")],
        "2024-06-30": [dict(base, observations={"2020": 3.34}, latest_value=3.34, latest_year=2020,
                            probability=0.35, status="on_track", light="amber")],
        "2024-09-30": [dict(base, observations={"2020": 3.34, "2023": 3.9}, latest_value=3.9, latest_year=2023,
                            probability=0.6, status="on_track", light="amber")],
    }
    root = tmp_path / "reports"
    with ThreadPoolExecutor(1) as pool:
        for as_of in rows:
            result = runner.run_brief(as_of=as_of, out_dir=root / as_of, notebooks=[NOTEBOOKS / "noparams.ipynb"],
                                      timeout=60, progress=False, pdf=False, executor=pool,
                                      headline_fn=_fake(rows))
    assert result.since == "2024-06-30"  # the newest earlier one, not the oldest
    got = json.loads((root / "2024-09-30" / "changes.json").read_text(encoding="utf-8"))
    assert got["since"] == "2024-06-30"
    assert {(c["kind"], c["year"]) for c in got["changes"]} == {("new_figure", 2023), ("probability", None)}
    index = (root / "2024-09-30" / "index.html").read_text(encoding="utf-8")
    assert "新公布 2023 年数值 3.9" in index and "new figure for 2023: 3.9" in index
    assert "35%" in index and "60%" in index
    first = json.loads((root / "2024-06-30" / "changes.json").read_text(encoding="utf-8"))
    assert {(c["kind"], c["year"]) for c in first["changes"]} == {("revised_figure", 2020), ("probability", None),
                                                                 ("grade", None)}


def test_row_sentences_say_the_same_numbers_in_both_languages(head):
    for row in head["rows"]:
        zh, en = (sentences.row_sentence(row, lang) for lang in ("zh", "en"))
        assert row["name_zh"] in zh and row["name_en"] in en
        # names may hold digits ("per 10k"); the figures after them must match
        assert _numbers(zh.replace(row["name_zh"], "")) == _numbers(en.replace(row["name_en"], "")), (zh, en)
        if row["probability"] is not None:
            assert sentences.pct(row["probability"]) in zh


def test_the_calibration_clause_is_said_in_each_language_from_the_typed_spread():
    from taicang_analysis.brief import headline as hl
    from taicang_analysis.brief import render
    from taicang_analysis.forecast.pooling import Calibration
    assert hl.calibration_words_zh(None) == "未校准（展宽系数 1）"
    assert "1.3" in hl.calibration_words_zh(1.3)
    cal = Calibration.from_frame(__import__("pandas").DataFrame(
        {"pool_type": ["all"], "horizon": ["all"], "factor": [1.1], "n": [10], "coverage_before": [0.7],
         "coverage_cv": [0.8], "basis": ["all rows"]}))
    assert "1 个单元" in hl.calibration_words_zh(cal)
    head = {"basis": "calibrated (x)", "basis_words": {"en": "calibrated (x)", "zh": "已校准"}}
    html = render._headline_note(head, ("zh", "en"))
    assert "已校准" in html and "calibrated (x)" in html
    assert html.index("已校准") < html.index("calibrated (x)")


def test_a_row_with_peers_pace_gets_its_note_in_each_language():
    row = {"indicator": "hightech_output_share", "name_zh": "高新技术产业产值占比", "name_en": "High-tech share",
           "outside_view_peer_pace": [{"region": "Suzhou", "first_year": 2020, "first_value": 50.9,
                                       "last_year": 2025, "last_value": 56.2, "per_year": 1.06}]}
    plain = {"indicator": "rd_intensity", "name_zh": "研发", "name_en": "R&D", "outside_view_peer_pace": []}
    notes = render._peer_pace_notes({"rows": [plain, row]}, ("zh", "en"))
    assert len(notes) == 1  # none for a row without peers' pace
    assert "Suzhou 50.9 (2020) → 56.2 (2025), +1.06/yr" in notes[0]
    assert "同口径同类地区太少" in notes[0] and "a description, not a forecast" in notes[0]
    assert "Suzhou 50.9 (2020) → 56.2 (2025), 每年 +1.06" in notes[0]
    assert render._peer_pace_notes({"rows": [plain]}, ("en",)) == []
