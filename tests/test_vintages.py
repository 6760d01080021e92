"""What was known when: as_of, supersession by later publications, revision history."""

from __future__ import annotations

import pandas as pd
import pytest

from taicang_analysis.data import vintages


def _obs(*rows):
    base = dict(collection="observations", region="Taicang", indicator="rd_intensity", unit="%",
                qualifier="exact", status="reported", document="doc", publisher="pub", source_ref="f.csv:2")
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["value_printed"] = frame["value"].map(lambda v: f"{v:g}")
    return frame


PRELIM_THEN_FINAL = _obs(
    dict(year=2022, value=3.70, status="preliminary", published="2023-02-28", document="work report"),
    dict(year=2022, value=3.62, status="reported", published="2023-04-20", document="bulletin"),
    dict(year=2022, value=3.55, status="reported", published="2024-12-31", document="yearbook (census-revised GDP)"),
    dict(year=2021, value=3.40, published="2022-04-20", document="bulletin 2021"),
)


@pytest.mark.parametrize("when, expected", [
    ("2023-02-27", None),    # before anything about 2022 was published
    ("2023-02-28", 3.70),    # the work report's preliminary figure, from its own date
    ("2023-04-19", 3.70),
    ("2023-04-20", 3.62),    # the bulletin supersedes it from its publication date on
    ("2024-12-30", 3.62),
    ("2024-12-31", 3.55),    # the yearbook revision
    (2025, 3.55),
])
def test_a_revision_replaces_the_earlier_value_only_from_its_publication_date(when, expected):
    known = vintages.known_values(PRELIM_THEN_FINAL, when)
    row = known[known["year"] == 2022]
    if expected is None:
        assert row.empty
    else:
        assert row["value"].tolist() == [expected]


def test_as_of_before_publication_does_not_see_the_figure():
    assert vintages.as_of(PRELIM_THEN_FINAL, "2022-04-19").empty
    assert vintages.as_of(PRELIM_THEN_FINAL, "2022-04-20")["year"].tolist() == [2021]


def test_known_values_records_what_was_superseded_and_counts_sources():
    known = vintages.known_values(PRELIM_THEN_FINAL).set_index("year")
    assert known.loc[2022, "n_sources"] == 3
    assert "3.7 (2023-02-28, work report)" in known.loc[2022, "superseded"]
    assert "3.62 (2023-04-20, bulletin)" in known.loc[2022, "superseded"]
    assert known.loc[2021, "superseded"] == ""


def test_same_day_tie_prefers_reported_then_exact():
    frame = _obs(
        dict(year=2020, value=3.3, status="derived", published="2022-01-31", derivation="x"),
        dict(year=2020, value=3.34, status="reported", published="2022-01-31"),
        dict(year=2019, value=48.0, status="reported", qualifier="more_than", published="2020-02-28"),
        dict(year=2019, value=47.9, status="reported", published="2020-02-28"),
    )
    known = vintages.known_values(frame).set_index("year")["value"]
    assert known[2020] == 3.34
    assert known[2019] == 47.9


def test_revision_history_lists_each_value_with_its_validity_period():
    hist = vintages.revision_history(PRELIM_THEN_FINAL)
    assert hist["year"].tolist() == [2022, 2022, 2022]          # 2021 was never revised
    assert hist["value"].tolist() == [3.70, 3.62, 3.55]
    assert hist["valid_from"].tolist() == ["2023-02-28", "2023-04-20", "2024-12-31"]
    assert hist["valid_to"].tolist() == ["2023-04-20", "2024-12-31", ""]
    assert hist["current"].tolist() == [False, False, True]


def test_series_keeps_gaps_and_never_mixes_collections():
    frame = pd.concat([
        _obs(dict(year=2010, value=1.93, published="2016-03-31"), dict(year=2015, value=2.35, published="2016-03-31"),
             dict(year=2020, value=3.34, published="2022-01-31")),
        _obs(dict(year=2016, value=9.9, published="2026-07-13")).assign(collection="world"),
    ])
    s = vintages.series(vintages.known_values(frame), "Taicang", "rd_intensity")
    assert s.index.tolist() == [2010, 2015, 2020]
    assert s.tolist() == [1.93, 2.35, 3.34]
