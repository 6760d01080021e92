#!/usr/bin/env python
"""One-off converter: the public figures in ``../shared/data`` → ``data/raw`` in the
project's own format (``data/raw/README.md``).

Run from anywhere::

    python scripts/import_shared_data.py            # write (or confirm) every file
    python scripts/import_shared_data.py --dry-run  # build and validate, write nothing

Deterministic: rows keep the order of the input files, CSVs are written with
``\\n`` line ends and minimal quoting, nothing depends on the clock or the
environment, so a re-run produces byte-identical files.  ``data/raw`` is
append-only: a file that already exists with the same bytes is left alone, and a
file that exists with *different* bytes stops the run before anything is written
(nothing is ever overwritten).

Inputs (read-only)
------------------
- ``shared/seeds/000_7ec6b2c546acc8c7.txt`` – text export of the 14th S&T plan.
- ``shared/data/regional_sources.csv`` – Taicang and comparators (194 rows).
- ``shared/data/past_targets.csv`` – targets of past plans (53 rows).
- ``shared/data/reference/cn_points_published.csv`` – single early/preliminary points (32).
- ``shared/data/reference/cn_province_rd.csv`` – provincial R&D panel (832).
- ``shared/data/reference/cn_province_valid_patents.csv`` – provincial valid patents (1792).
- ``shared/data/reference/wb_gerd.csv`` – World Bank WDI R&D intensity (3198).
- ``shared/data/reference/eu_gerd_vintage_2006.csv`` – EU 2004 values as published 2006 (25).

Outputs (``data/raw/``)
-----------------------
- ``documents/taicang_14th_st_plan.txt`` (byte copy) + ``.meta.toml``
- ``observations/taicang.csv`` – Taicang and Taicang High-tech Zone rows of regional_sources
- ``observations/comparators_suzhou_county_cities.csv`` – Suzhou, SIP, Kunshan, Changshu, Zhangjiagang
- ``observations/jiangsu_china.csv`` – Sunan (5 cities), Jiangsu, Yangtze River Delta, China
- ``observations/cn_points_published.csv`` – from reference/cn_points_published.csv
- ``reference/cn_provinces/cn_province_rd.csv``, ``reference/cn_provinces/cn_province_valid_patents.csv``
- ``reference/world/wb_gerd.csv``, ``reference/world/eu_gerd_vintage_2006.csv``
- ``targets/past_targets.csv`` – past_targets.csv plus the TARGET rows of regional_sources

Every output row carries an extra ``source_ref`` column (``<input file>:<line>``) so
each figure can be traced back to the line it came from (extra columns are ignored
by the build).  The original ``note`` and ``source_kind`` of every row are kept
verbatim in ``note``; ``quote`` holds the Chinese wording from the note.

Rows NOT carried (each with its reason)
---------------------------------------
regional_sources.csv
  * Taicang, "CHANGE in R&D intensity over 2012-2016 govt term", 2016, 0.3 percentage
    points – a change over a government term with no level: it cannot be an
    observation of ``rd_intensity`` (a level), and no start level is given to
    derive one from.
  * Taicang, "CHANGE in high-tech output share of above-scale industry over 2012-2016
    govt term", 2016, 13.6 percentage points – same reason.
  * Suzhou, "high-tech output share of above-scale industry (Jan-Sep)", 2021, 52.7 % –
    a January–September figure, not an annual one.
  * Suzhou, "invention patents per 10k people (Sep-end)", 2021, 65.13 件/万人 – an
    end-of-September stock, not a year-end one (the year-end 2020 value derived from
    it, 58.05, *is* carried).
past_targets.csv
  * Ireland, GERD_pct_GNP, 2013, 2.50 – the target is a share of GNP, not GDP; the
    registry has no GNP-based indicator and ``rd_intensity`` (% of GDP) must not
    hold it (Ireland's GNP is far below its GDP).

Rules applied (the judgement calls are listed in ``JUDGEMENT_CALLS`` below and
printed with the summary)
------------------------------------------------------------------------------
value
    The number exactly as in the source CSV, plus the hedge word the source printed:
    "(lower bound)" → the word quoted in the note (超 / 超过 / 突破 / 首次突破 / 以上 / 余),
    "(approx)" → 左右 / 近 / 约 / 余 as quoted.  No word is invented where the note
    quotes none.
unit
    The printed unit only (%, 亿元, 家, 件/万人, 万人, 万元, 件).
status
    ``derived`` for DERIVED / "NOT directly stated" rows (``derivation`` holds the
    arithmetic); ``preliminary`` for 预计数 / 初步核算 / preliminary markers, for the
    previous-year figures of government work reports and plan-execution reports
    (delivered before the statistical bulletin: "work-report estimate" in
    data/raw/README.md), and for the R&D figures of the national statistical
    bulletin (finalised in the autumn 科技经费投入统计公报); else ``reported``.
published (when not printed with the document, ``published_basis=inferred`` and the
note says which rule; always the *latest* plausible date, so ``as_of`` never sees a
figure before it could have been read)
    * government work report of year Y (figures for Y-1): Y-02-28 (delivered at the
      January/February people's congress); plan-execution reports likewise;
    * local statistical bulletin for year Y: (Y+1)-04-30;
    * national statistical bulletin for year Y: the last day of February of Y+1
      (the NBS releases it then; the source rows date these to February);
    * 全国科技经费投入统计公报 for year Y: (Y+1)-10-31 (the brief proposed 09-30, but
      the 2023 bulletin came out on 2024-10-02, so 09-30 would be too early);
    * statistical yearbook of edition E: E-12-31; 中国科技统计年鉴 edition Y+1 holds
      data year Y;
    * plan documents: Taicang's 13th FYP outline 2016-03-31; other 13th-FYP sector or
      provincial plans (Y+1)-12-31 of their first year when undated (2017-12-31);
    * a date given only as a month → the end of that month; a news item whose URL path
      carries the original site's posting date → that date (or the later of it and
      the document-type rule, when the page mirrors a government site);
    * undated secondary pages (aggregators) of routine statistics → the rule date of
      the official release they repeat (the value was public from then on);
    * targets: set_year-12-31 unless the source gives a date within the set year.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import hashlib
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
RAW = ROOT / "data" / "raw"
sys.path.insert(0, str(ROOT))

from taicang_analysis.data import registry  # noqa: E402  (the script sits outside the package)

#: the day this conversion was made: no publication date may lie after it
CUTOFF = _dt.date(2026, 11, 25)

OBS_COLUMNS = ["region", "indicator", "year", "value", "unit", "status", "derivation",
               "publisher", "document", "url", "published", "published_basis", "quote",
               "note", "source_ref"]
TARGET_COLUMNS = ["region", "indicator", "target_year", "target", "unit", "comparator",
                  "tolerance", "plan", "set_year", "publisher", "document", "url",
                  "published", "published_basis", "quote", "note", "source_ref"]

#: the printed units allowed per canonical indicator unit (all in parse._UNITS)
UNIT_OK = {"%": {"%"}, "件/万人": {"件/万人"}, "家": {"家"}, "亿元": {"亿元"},
           "万人": {"万人"}, "万元": {"万元"}, "件": {"件"}, "人/万人": {"人/万人"}}

JUDGEMENT_CALLS = [
    "Plan document publisher: 太仓市人民政府 (the plan is the city's 14th-FYP special plan, 'the common "
    "programme of the whole city'; 太仓市科学技术局 is named in the meta note as the drafting department). "
    "Published 2022-01-31 inferred (text cites the 2021-07-01 '七一' speech; WPS bookmark ids hint at a "
    "late-2021 document); the latest plausible date, so as_of never sees the plan too early.",
    "Work-report and plan-execution-report figures for the year just ended are 'preliminary' (README: "
    "'work-report estimate'), even where the source row did not mark them.",
    "National statistical-bulletin R&D figures (2020: 24426亿元 / 2.40%; 2021: 27864 / 2.44) are "
    "'preliminary' (finalised in the 科技经费投入统计公报); national bulletins dated the last day of "
    "February (2021-02-28, 2022-02-28), not the local-bulletin rule (04-30).",
    "科技经费投入统计公报 rule: (Y+1)-10-31 instead of the proposed (Y+1)-09-30, because the 2023 "
    "bulletin was released on 2024-10-02.",
    "Publication dates: the later of the document-type rule and the month in a mirrored government URL "
    "path (Taicang 2022 bulletin 2023-04-30; Zhangjiagang 2021 bulletin 2022-05-31; Changshu 2024 "
    "bulletin 2025-06-30; Zhangjiagang 计划执行情况报告 2022 -> 2024-03-31 because the government page "
    "holding it was posted 2024-03).",
    "Undated secondary pages (phsb.com GDP table, toutiao topic, bkwk.cn, hongzhan188.com, SIP overview "
    "page, some cn_points pages) are dated by the rule of the official release they repeat (bulletin "
    "(Y+1)-04-30 etc.), not by the unknown date of the page.",
    "'high-tech enterprises' without a basis -> hightech_enterprises_total; Jiangsu 2021 '高新技术企业累计"
    "超过3.7万家' -> hightech_enterprises_cumulative because the source says 累计.",
    "Suzhou 2024 '新增高新技术企业1769家' -> hightech_enterprises_new as briefed, with a note that 新增 "
    "(newly added) may be a net increase rather than 新认定 (newly certified).",
    "Tech-SME rows on other bases (国家科技型中小企业, 入库, 备案, 认定 in a sub-area) all -> "
    "tech_smes_registered, the basis kept in note.",
    "China R&D expenditure 2020 = 22100 ('2.21万亿', '辉煌十三五' infographic) carried as the source "
    "labels it, with a doubt in note: 2.21万亿 is the 2019 national figure (22143.6亿元).",
    "Values marked '(approx)' without a printed hedge word (China 2024 technology contracts '6.8万亿') "
    "and '(rounded)' (Taicang GDP 2015 1100) carry no qualifier word; the note says they are rounded.",
    "Derived Taicang GDP 2024 (1002.9 / 0.533 = 1881.6) carries no qualifier; its ±2亿元 rounding "
    "error is in derivation and note.",
    "Targets: comparator written '>=' / 'about' as data/raw/README.md and the malformed-file test "
    "require ('use >=, <= or about'), not 'ge' (ge/le are the parsed vocabulary); 超/超过 targets are "
    ">= with the word kept in quote; target holds the number only.",
    "Targets dated set_year-12-31 unless the source gives a date in the set year (URL-path or printed "
    "news date). Poland's target has no set_year in the source: set_year 2003 (latest plausible), "
    "published 2003-12-31.",
    "EU 2006 vintage: all rows 'preliminary' (the source: 'Most values are provisional'); IT, LU, PT "
    "describe 2003.",
    "WB and provincial panels: url = the GitHub blob URL built from the 'github:' source string; the "
    "string itself is kept in note ('read from ...').",
    "Kept the original note and source_kind verbatim in note (lossless) rather than splitting them; "
    "quote repeats the Chinese wording.",
    "cn_points China 2010 R&D intensity 1.84 (a book) carried with a doubt in note: the 2010 figure was "
    "published as 1.76%; 1.84% is the 2011 value.",
    "Jiangsu 2022 R&D intensity written '首次突破3.0' (the printed words '首次突破3%'); the parser reads it "
    "as more_than.",
    "Dates without a printed date: Taicang 2018-2020 action plan 2018-07-13 (date of the repost read); city "
    "7th-census bulletins 2021-06-30; Yangtze River Delta index 2023-12-25 (release day found in a 中新社 "
    "report); Suzhou innovative-city plan 2011-12-31; provincial 13th-FYP S&T plans 2017-12-31.",
    "Taicang GDP 2018 = 2650 (China Daily advertorial, DUBIOUS) kept as 'reported' with the doubt in note.",
]


# =============================================================================
# small helpers
# =============================================================================

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_UNIT_CHARS = set("亿元万人件家个")


def _cjk_count(text: str) -> int:
    return sum(1 for ch in text if _CJK.match(ch) and ch not in _UNIT_CHARS)


def chinese_quote(note: str) -> str:
    """The Chinese wording in a source note.

    English asides in parentheses are dropped first; the rest is split on ';', ':',
    ' — ' and ' -> '.  A segment counts when it has a figure and at least two Chinese
    characters other than unit characters (or four without a figure); its span runs
    from the first to the last Chinese character, widened over figures and % written
    directly against it (``2015年…1100亿元``).
    """
    note = re.sub(r"\([^()]*[A-Za-z]{3,}[^()]*\)", "", note)
    pieces = []
    for seg in re.split(r";|: | — | -> ", note):
        n = _cjk_count(seg)
        if n < 2 or (n < 4 and not re.search(r"\d", seg)):
            continue
        idx = [i for i, ch in enumerate(seg) if _CJK.match(ch)]
        start, end = idx[0], idx[-1] + 1
        while start > 0 and re.match(r"[0-9.%A-Za-z&《“'(（]", seg[start - 1]):
            start -= 1
        while end < len(seg) and re.match(r"[0-9.%件家个》”)）]", seg[end]):
            end += 1
        tail = re.match(r"\s[0-9][0-9.]*(?:亿元|万人|万|%|件|家)?", seg[end:])  # "太仓市 1386.09亿元"
        if tail:
            end += tail.end()
        text = seg[start:end].strip().strip("'").strip()
        if text:
            pieces.append(text)
    return "；".join(pieces)


def github_url(source: str) -> tuple[str, str]:
    """``github:owner/repo/path@commit (…)`` → (blob URL, the whole string)."""
    m = re.match(r"github:([^/]+)/([^/]+)/(\S+)@([0-9a-f]{40})", source)
    if not m:
        raise ValueError(f"not a github source string: {source!r}")
    owner, repo, path, commit = m.groups()
    return f"https://github.com/{owner}/{repo}/blob/{commit}/{path}", source


def join_note(*parts: str) -> str:
    return " | ".join(p.strip() for p in parts if p and p.strip())


# =============================================================================
# provenance of regional_sources.csv, one entry per source document
# =============================================================================

@dataclass(frozen=True)
class Source:
    publisher: str
    document: str
    published: str | Callable[[int], str]  # a date, or a rule of the figure's year
    basis: str  # stated | inferred
    how: str = ""  # how the date was worked out (inferred) or where it is printed (stated)
    preliminary: str = ""  # reason every figure of this document is preliminary
    remark: str = ""  # anything else a reader should know about the document

    def date_for(self, year: int) -> str:
        return self.published(year) if callable(self.published) else self.published


WR = ("government work report of year Y: delivered at the January/February people's congress; "
      "Y-02-28 taken as the latest plausible date")
WR_PRELIM = ("figure for the year just ended in a work report delivered before the statistical "
             "bulletin (work-report estimate)")
BULLETIN = "statistical bulletin for year Y: published by (Y+1)-04-30 (latest plausible date)"
YEARBOOK = "statistical yearbook of edition E: E-12-31 (latest plausible date)"
KJJF = ("全国科技经费投入统计公报 for year Y: (Y+1)-10-31 (latest plausible; the 2023 bulletin "
        "was released 2024-10-02)")
NATIONAL_BULLETIN = ("national statistical bulletin for year Y: released by the NBS at the end of "
                     "February of Y+1 (the source dates it to February); last day of February taken")
UNDATED = ("undated secondary page: dated by the rule of the official release it repeats (the value "
           "was public from then on); the page itself may be later")

SOURCES: dict[str, Source] = {
    "T13": Source("太仓市人民政府", "太仓市国民经济和社会发展第十三个五年规划纲要", "2016-03-31", "inferred",
                  "plan outline approved by the municipal people's congress in early 2016; 2016-03-31 taken "
                  "as the latest plausible publication date", remark="read on a college-website repost"),
    "TWR2019": Source("太仓市人民政府", "太仓市2019年政府工作报告", "2019-02-28", "inferred", WR, WR_PRELIM,
                      "read on a full-text repost"),
    "CD2018": Source("China Daily (中国日报网江苏频道)", "China Daily Jiangsu, Taicang channel advertorial, "
                     "2018-09-30", "2018-09-30", "stated", "date printed with the article (source_kind)"),
    "TWR2020": Source("太仓市人民政府", "太仓市2020年政府工作报告", "2020-02-28", "inferred", WR, WR_PRELIM,
                      "read on a full-text mirror"),
    "PHSB_TABLE": Source("phsb.com (news aggregator; original statistical source not named)",
                         "Suzhou districts and county-level cities GDP ranking 2020 (news table)",
                         "2021-04-30", "inferred",
                         UNDATED + "; the 2020 county-level GDP figures are those of the 2020 statistical "
                         "bulletins (by 2021-04-30)"),
    "PHSB_SZ": Source("苏州市统计局", "2020年苏州市国民经济和社会发展统计公报", "2021-04-30", "inferred",
                      BULLETIN, remark="read on a news aggregator quoting the bulletin"),
    "TB2022": Source("太仓市统计局", "2022年太仓市国民经济和社会发展统计公报", "2023-04-30", "inferred",
                     BULLETIN + "; the mirror's path (…/202303/…) shows the government page was posted "
                     "in 2023-03, consistent", remark="read on a mirror site"),
    "WBK_YB": Source("苏州市统计局", "苏州统计年鉴2024", "2024-12-31", "inferred", YEARBOOK,
                     remark="read on an aggregator citing the yearbook"),
    "WBK_SZ": Source("苏州市统计局", "苏州市2024年国民经济运行数据（初步核算）", "2025-04-30", "inferred",
                     UNDATED + "; the preliminary GDP is released in January and repeated in the 2024 "
                     "bulletin (by 2025-04-30)", "初步核算 (preliminary accounting)",
                     "read on an aggregator quoting the statistics bureau"),
    "XHRB2025": Source("新华日报", "新华日报 2025-11-07 report on Taicang (English summary on reportify.ai)",
                       "2025-11-07", "stated", "date of the newspaper report given in source_kind"),
    "TAP": Source("太仓市人民政府", "太仓市科技创新三年行动计划（2018—2020年）", "2018-07-13", "inferred",
                  "the repost read is dated 2018-07-13, so the plan was public by then (latest plausible)",
                  remark="read on a policy repost site"),
    "TCNEWS2019": Source("太仓新闻网", "太仓新闻网 2019-04-01 report on the 2018 high-tech enterprise "
                         "certification (reposted on the Taicang High-tech Zone site)", "2019-04-01", "stated",
                         "date of the report given in source_kind"),
    "XINHUA2019": Source("新华社", "新华社 2019-07-03 report on Taicang", "2019-07-03", "stated",
                         "date of the report given in source_kind", remark="read on a mirror"),
    "SZPOP2023": Source("苏州市统计局", "2023年苏州人口主要数据", "2024-03-15", "stated",
                        "release date given in source_kind (2024-03-15)",
                        remark="read on a mirror of the Suzhou government site"),
    "SZCENSUS7": Source("苏州市统计局（苏州市第七次全国人口普查领导小组办公室）", "苏州市第七次全国人口普查公报",
                        "2021-06-30", "inferred",
                        "city census bulletins followed the national one (2021-05-11) in May–June 2021; "
                        "2021-06-30 taken as the latest plausible date",
                        remark="read in a web article quoting the bulletin"),
    "SZCENSUS7_2": Source("苏州市统计局（苏州市第七次全国人口普查领导小组办公室）",
                          "苏州市第七次全国人口普查公报（第二号）", "2021-06-30", "inferred",
                          "city census bulletins followed the national one (2021-05-11) in May–June 2021; "
                          "2021-06-30 taken as the latest plausible date", remark="read on a repost"),
    "KSB2020": Source("昆山市统计局", "2020年昆山市国民经济和社会发展统计公报", "2021-04-30", "inferred", BULLETIN,
                      remark="read in a web article quoting the bulletin"),
    "TCGOV2021": Source("太仓市人民政府", "太仓市人民政府 news 2021-12-02 on 太仓高新区 (reposted on the "
                        "Taicang High-tech Zone site)", "2021-12-02", "stated",
                        "date of the news given in source_kind"),
    "SZWR2023": Source("苏州市人民政府", "苏州市2023年政府工作报告", "2023-02-28", "inferred", WR, WR_PRELIM,
                       "read in a news report on the work report"),
    "SZSTAT2023": Source("苏州市统计局", "苏州市统计局 release on the 2022 economy (reported 2023-01-31)",
                         "2023-01-31", "stated", "date given in source_kind", remark="read on a mirror"),
    "SZRB2024": Source("苏州日报", "苏州日报 2024-01-31 report on Suzhou's 2023 economic data", "2024-01-31",
                       "stated", "date given in source_kind", remark="read on a mirror of the Suzhou government site"),
    "SZWR2025": Source("苏州市人民政府", "苏州市2025年政府工作报告", "2025-02-28", "inferred", WR, WR_PRELIM,
                       "read in a news report on the work report (mirror)"),
    "SZINNOV": Source("苏州市人民政府", "苏州市创新型城市建设规划", "2011-12-31", "inferred",
                      "undated plan with 2009 as its latest data year, framed on the 12th FYP (2011–2015): issued "
                      "in 2010 or 2011; 2011-12-31 taken as the latest plausible date",
                      remark="read on a document-sharing repost"),
    "SZWR2024": Source("苏州市人民政府", "苏州市2024年政府工作报告", "2024-02-28", "inferred", WR, WR_PRELIM,
                       "read in a news report on the work report (mirror)"),
    "JSWOTAO": Source("news item (outlet not named; read on jswotao.com)",
                      "Suzhou S&T five-year review, news of 2022-03-31", "2022-03-31", "stated",
                      "date given in source_kind"),
    "SZRB_SIP": Source("苏州日报", "苏州日报 report on Suzhou Industrial Park, March 2023", "2023-03-31", "inferred",
                       "the source gives the month (2023-03) only; end of month taken", remark="read on a mirror"),
    "SZHT2010": Source("苏州市科学技术局、苏州市统计局", "2010年苏州市高新技术产业主要统计数据", "2011-12-31",
                       "inferred", "annual data notice for 2010, issued during 2011; 2011-12-31 taken as the "
                       "latest plausible date"),
    "BKWK": Source("bkwk.cn (secondary web article; author and outlet not named)",
                   "web article on Suzhou's economy (undated)", "2023-04-30", "inferred",
                   UNDATED + "; the 2022 figures are those of the 2022 Suzhou bulletin (by 2023-04-30)",
                   remark="low reliability (source_kind)"),
    "HONGZHAN": Source("hongzhan188.com (promotional web text; author not named)",
                       "promotional text on Suzhou (undated)", "2025-04-30", "inferred",
                       UNDATED + "; dated as the 2024 Suzhou bulletin (by 2025-04-30)",
                       remark="low reliability (source_kind)"),
    "SZTJ2021": Source("苏州市统计局", "苏州市统计局 data release on the first three quarters of 2021",
                       "2021-11-30", "inferred",
                       "posting month in the bureau's own URL path (…/202111/…); end of month taken"),
    "TOUTIAO": Source("今日头条 topic page (news aggregator; original source not named)",
                      "toutiao topic page on Suzhou's resident population",
                      lambda y: f"{y + 1}-04-30", "inferred",
                      UNDATED + "; year-end resident population is first published in the year's statistical "
                      "bulletin, (Y+1)-04-30"),
    "SZB2019": Source("苏州市统计局", "2019年苏州市国民经济和社会发展统计公报", "2020-04-30", "inferred", BULLETIN,
                      remark="read on a web page quoting the bulletin"),
    "SZRB_XJN": Source("苏州日报", "苏州日报 2024-11-07 (reposted on 新江南网)", "2024-11-07", "stated",
                       "date given with the source"),
    "SZKJJ2021": Source("苏州市科学技术局", "苏州市科技局 news 2021-04-23 on 2020 technology contracts",
                        "2021-04-23", "stated", "date given in source_kind"),
    "SIPAC": Source("苏州工业园区管理委员会", "苏州工业园区 official website, 经济概述 page (undated)",
                    "2024-04-30", "inferred", UNDATED + "; the 2023 figures are dated as the 2023 bulletin "
                    "(by 2024-04-30)"),
    "KSWR2019": Source("昆山市人民政府", "昆山市2019年政府工作报告", "2019-02-28", "inferred", WR, WR_PRELIM,
                       "read on a repost"),
    "KSGOV2023": Source("昆山市人民政府办公室", "昆山市政府办公室 2023-01-29 report on Kunshan's 2022 economy "
                        "(posted on the Jiangsu government website)", "2023-01-29", "stated",
                        "date given in source_kind"),
    "KSB2024": Source("昆山市统计局", "2024年昆山市国民经济和社会发展统计公报", "2025-04-30", "inferred", BULLETIN,
                      remark="read on a mirror"),
    "KSB2022": Source("昆山市统计局", "2022年昆山市国民经济和社会发展统计公报 (year inferred)", "2023-04-30",
                      "inferred", BULLETIN, remark="read on a mirror (page 2); the bulletin's year is not "
                      "visible in the text seen"),
    "CSPLAN2017": Source("常熟市发展和改革委员会 (city inferred)", "常熟市计划执行情况报告 2017 (report on the "
                         "execution of the 2016 plan; city inferred)", "2017-02-28", "inferred",
                         "plan-execution report delivered with the work report at the January/February people's "
                         "congress; Y-02-28 taken", WR_PRELIM.replace("work report", "plan-execution report"),
                         "the document does not name the city in the text seen; Changshu inferred from the "
                         "路虎/观致 plants"),
    "CSWR2024": Source("常熟市人民政府", "常熟市2024年政府工作报告", "2024-02-28", "inferred", WR, WR_PRELIM,
                       "read on a mirror"),
    "CSB2024": Source("常熟市统计局", "2024年常熟市国民经济和社会发展统计公报", "2025-06-30", "inferred",
                      "the later of the bulletin rule (2025-04-30) and the posting month in the mirrored "
                      "government URL path (…/202506/…): 2025-06-30", remark="read on a mirror site"),
    "CSPLAN13": Source("常熟市人民政府", "常熟市科学技术发展“十三五”规划", "2017-12-31", "inferred",
                       "undated 13th-FYP sector plan, issued in 2016–2017; 2017-12-31 taken as the latest "
                       "plausible date", remark="read on a repost"),
    "ZJGWR2018": Source("张家港市人民政府", "张家港市2018年政府工作报告", "2018-02-28", "inferred", WR, WR_PRELIM,
                        "read on a repost"),
    "ZJGB2021": Source("张家港市统计局", "2021年张家港市国民经济和社会发展统计公报", "2022-05-31", "inferred",
                       "the later of the bulletin rule (2022-04-30) and the posting month in the mirrored "
                       "government URL path (…/202205/…): 2022-05-31", remark="read on a mirror site"),
    "ZJGB2023": Source("张家港市统计局", "2023年张家港市国民经济和社会发展统计公报", "2024-04-30", "inferred",
                       BULLETIN, remark="read on a forum repost"),
    "ZJGWR2017": Source("张家港市人民政府", "张家港市2017年政府工作报告", "2017-02-28", "inferred", WR, WR_PRELIM,
                        "five-year term review in the work report"),
    "ZJGPLAN2022": Source("张家港市发展和改革委员会", "张家港市计划执行情况报告 2022 (report on the execution of "
                          "the 2021 plan)", "2024-03-31", "inferred",
                          "delivered at the early-2022 people's congress, but the government page that holds "
                          "the text was posted in 2024-03 (mirrored URL path …/202403/…); the later date, "
                          "2024-03-31, taken as the latest plausible", WR_PRELIM.replace("work report",
                                                                                         "plan-execution report"),
                          "read on a mirror"),
    "CD2014": Source("China Daily", "China Daily 2014-12-04 Zhangjiagang channel article", "2014-12-04", "stated",
                     "date given in source_kind"),
    "SUNAN2020": Source("news report (outlet not named; read on easyfang.com)",
                        "report on the first council meeting of the 苏南国家自主创新示范区, 2020-11-04",
                        "2020-11-04", "stated", "date given in source_kind"),
    "XHRB2016": Source("新华日报", "新华日报 2016-02-15 report on Jiangsu's S&T results (reposted on a "
                       "Changzhou government site)", "2016-02-15", "stated", "date given in source_kind"),
    "JSWR2017": Source("江苏省人民政府", "江苏省2017年政府工作报告", "2017-02-28", "inferred", WR, WR_PRELIM,
                       "read in a Xinhua report on the work report (mirror)"),
    "PEOPLEJS2020": Source("人民网江苏频道", "人民网江苏频道 2020-10-04 '辉煌十三五' report", "2020-10-04",
                           "stated", "date given in source_kind"),
    "KJRB2023": Source("科技日报", "科技日报 2023-01-05 report on the Jiangsu S&T work conference", "2023-01-05",
                       "stated", "date given in source_kind", remark="read on a mirror"),
    "JSWR2018": Source("江苏省人民政府", "江苏省2018年政府工作报告", "2018-02-28", "inferred", WR, WR_PRELIM,
                       "read in a Xinhua report on the work report (mirror)"),
    "JSWR2022": Source("江苏省人民政府", "江苏省2022年政府工作报告", "2022-02-28", "inferred", WR, WR_PRELIM,
                       "quoted in a Taiwan investment e-book"),
    "JSWR2024": Source("江苏省人民政府", "江苏省2024年政府工作报告", "2024-02-28", "inferred", WR, WR_PRELIM,
                       "read on a mirror"),
    "JSSTAT2023": Source("江苏省统计局", "江苏省统计局 release on 2022 high-tech industry (reported in news)",
                         "2023-02-09", "inferred", "date in the news page's URL path (…/2023/0209/…)"),
    "CNS2024": Source("中国新闻网", "中新网 2024-01-09 report on the Jiangsu IP work conference", "2024-01-09",
                      "stated", "date given in source_kind", remark="read on a mirror"),
    "JSTV2022": Source("江苏广电总台", "江苏广电 2022-02-28 report citing 科技部 technology-market data",
                       "2022-02-28", "stated", "date given in source_kind"),
    "YRD2022": Source("长三角一体化发展统计监测办公室", "2022年长三角区域发展指数 (release, reported via the "
                      "浙江省统计局 WeChat account)", "2023-12-25", "inferred",
                      "the page says the index was released on 12月25日; the 2022 index came out on "
                      "2023-12-25 (中新社 report of that day)"),
    "CNB2021": Source("国家统计局", "中华人民共和国2021年国民经济和社会发展统计公报", "2022-02-28", "inferred",
                      NATIONAL_BULLETIN + "; 科技日报 reported it on 2022-03-01",
                      remark="read in news reports on the bulletin (mirror)"),
    "ZUJUAN": Source("'辉煌十三五' official infographic (publisher not named; quoted in an exam item)",
                     "'辉煌十三五' infographic (quoted on zujuan.com)", "2020-12-31", "inferred",
                     "the '辉煌十三五' series ran in late 2020; 2020-12-31 taken as the latest plausible date"),
    "CNB2020": Source("国家统计局", "中华人民共和国2020年国民经济和社会发展统计公报", "2021-02-28", "inferred",
                      NATIONAL_BULLETIN, remark="read in a news report quoting the bulletin"),
    "CNRD2022": Source("国家统计局、科学技术部、财政部", "2022年全国科技经费投入统计公报", "2023-10-31",
                       "inferred", KJJF, remark="read in a 中商产业研究院 news item quoting the bulletin"),
    "NBS2023JAN": Source("国家统计局", "国家统计局 preliminary estimate of 2022 R&D expenditure (January 2023)",
                         "2023-01-31", "inferred", "the source gives the month (Jan 2023); end of month taken",
                         "初步测算 (preliminary estimate)", "read in a news report"),
    "CNRD2023": Source("国家统计局、科学技术部、财政部", "2023年全国科技经费投入统计公报", "2024-10-31",
                       "inferred", KJJF, remark="read on a mirror whose text is partly garbled"),
    "JST2020": Source("JST China news (window-to-china.de)", "window-to-china.de 2020-12-08 post on Shanghai's "
                      "R&D report", "2020-12-08", "stated", "date in the post's permalink"),
    "CNS2026": Source("中国新闻网", "中新网 2026-01-23 report on the SCIO/CNIPA press conference", "2026-01-23",
                      "stated", "date given in source_kind", remark="read on a mirror"),
    "CNS2025": Source("中国新闻社", "中新社 2025-10-29 report on the NBS 2024 China Innovation Index",
                      "2025-10-29", "stated", "date given in source_kind", remark="read on a mirror"),
    "PEOPLE2024": Source("人民网", "人民网 2024-01-16 report on the SCIO briefing", "2024-01-16", "stated",
                         "date given in source_kind", remark="read on a mirror"),
    "CDMOST2020": Source("China Daily (citing 科学技术部)", "China Daily 2020 report on high-tech enterprises",
                         "2020-12-31", "inferred", "the source gives the year (2020) only; end of year taken"),
    "GMRB": Source("光明日报", "光明日报 report on the NBS 2022 China Innovation Index", "2023-12-31", "inferred",
                   "the NBS releases the China Innovation Index for year Y in the autumn of Y+1; 2023-12-31 "
                   "taken as the latest plausible date", remark="read on a repost"),
    "CCTV2023": Source("央视网", "央视网 2023-04-25 report on the SCIO/CNIPA briefing", "2023-04-25", "stated",
                       "date given in source_kind", remark="read on a repost"),
    "JJRB2015": Source("经济日报", "经济日报 report on the NBS 2013 China Innovation Index", "2015-03-03",
                       "inferred", "date in the china.com.cn repost's URL path (…/20150303/…)"),
    # -- targets ------------------------------------------------------------------
    "ZJG_JOURNAL": Source("中国高新科技 (journal)", "中国高新科技 2022年第14期, article on 张家港创建国家级高新区",
                          "2022-12-31", "inferred", "issue 14 of 2022; end of 2022 taken as the latest plausible "
                          "date"),
    "ZJG_IND14": Source("张家港市人民政府", "张家港市工业经济高质量发展“十四五”规划", "2021-12-09", "inferred",
                        "the news on the plan is dated 2021-12-09 (URL path …/20211209/…), so the plan was public "
                        "by then", remark="read in a news report on the plan"),
}

# (url prefix, substring of source_kind or "") -> source key; the first match wins
SOURCE_KEYS: list[tuple[str, str, str]] = [
    ("https://www.csit.edu.cn/jwc/2020/0810/", "", "T13"),
    ("https://www.xiegongwen.com/72536.html", "", "TWR2019"),
    ("http://jiangsu.chinadaily.com.cn/taicang/2018-09-30/", "", "CD2018"),
    ("http://jiangsu.chinadaily.com.cn/taicang/2018-09/30/", "", "CD2018"),
    ("https://xiegongwen.com/71102.html", "", "TWR2020"),
    ("https://m.phsb.com/html/681/680056.html", "district GDP ranking", "PHSB_TABLE"),
    ("https://m.phsb.com/html/681/680056.html", "Suzhou 2020 bulletin", "PHSB_SZ"),
    ("http://m.5121177.com/taicang/tjgb/202303/", "", "TB2022"),
    ("https://wanbiaoku.com/new/5b8bfb09f78b4aa9b40873e32d4c076b", "苏州统计年鉴2024", "WBK_YB"),
    ("https://wanbiaoku.com/new/5b8bfb09f78b4aa9b40873e32d4c076b", "初步核算", "WBK_SZ"),
    ("https://reportify.ai/tags/industry", "", "XHRB2025"),
    ("https://zhaoshangtong.net/policys/show-3914.html", "", "TAP"),
    ("https://tcxq.investchn.com/news/detail/id/35862.html", "", "TCNEWS2019"),
    ("https://j637.cn/politics/2019-07/03/", "", "XINHUA2019"),
    ("http://cjlzp.com/szsrmzf/tjsjjd/202403/", "", "SZPOP2023"),
    ("http://zhejianglong.com/c/1565195.html", "第七次全国人口普查公报", "SZCENSUS7"),
    ("http://zhejianglong.com/c/1565195.html", "2020昆山统计公报", "KSB2020"),
    ("https://tcxq.investchn.com/news/detail/id/223734.html", "", "TCGOV2021"),
    ("https://m.szdushi.com.cn/news/1673309059176425.shtml", "", "SZWR2023"),
    ("http://anyinhouse.com/news/32/2023131152315.html", "", "SZSTAT2023"),
    ("http://haiptao.com/szsrmzf/szyw/202401/", "", "SZRB2024"),
    ("http://m.alliancesteel.cn/article/detail/1490083.html", "", "SZWR2025"),
    ("https://m.wenke99.com/p-1887162.html", "", "SZINNOV"),
    ("http://www.dingqianjf.com/news/show/5491fba759abe66c.html", "", "SZWR2024"),
    ("https://www.jswotao.com/article-list/detail?number=JSWZ20220331012", "", "JSWOTAO"),
    ("https://imationlatam.com/news/1678506014181154.shtml", "", "SZRB_SIP"),
    ("http://m.hbcasj.com/socialgd/10000169/20250113/", "", "SZWR2025"),
    ("http://fsou.com/html/text/lar/172778/17277878.html", "", "SZHT2010"),
    ("https://bkwk.cn/article/", "", "BKWK"),
    ("http://shangluo.hongzhan188.com/article-50.html", "", "HONGZHAN"),
    ("https://tjj.suzhou.gov.cn/sztjj/sjfbyjd/202111/", "", "SZTJ2021"),
    ("https://toutiao.com/topic/7482925182990960659", "", "TOUTIAO"),
    ("http://wuhan.com/travel/56913.html", "", "SZB2019"),
    ("http://zaixiangufen.com/renkoushuju/4449249.html", "", "SZCENSUS7_2"),
    ("(no URL; page on 新江南网 reposting 苏州日报 dated 2024-11-07)", "", "SZRB_XJN"),
    ("http://kjj.suzhou.gov.cn/szkj/kjdt/202104/", "", "SZKJJ2021"),
    ("https://www.sipac.gov.cn/szgyyq/yqjjfz/common_tt.shtml", "", "SIPAC"),
    ("https://guanshanwenku.com/gongzuozongjie/2022/04/1847.html", "", "KSWR2019"),
    ("https://www.jiangsu.gov.cn/art/2023/1/29/art_33718_10736636.html", "", "KSGOV2023"),
    ("http://m.ilynn.cn/document_detail/133293.html", "", "KSB2024"),
    ("https://edutainingadventures.com/thuadong/6865_2.html", "", "KSB2022"),
    ("https://wanglu.net/thread/t4-501027-0.html", "", "CSPLAN2017"),
    ("http://nextlevelartsconsulting.com/bhuadong/9684.html", "", "CSWR2024"),
    ("http://www.tiehuamiye.com/zgcs/keji/202506/", "", "CSB2024"),
    ("http://aia.52xcc.cn/mp/", "", "CSPLAN13"),
    ("https://www.fanwen112.com/fanwen/557506.html", "", "ZJGWR2018"),
    ("http://qdyichengda.com/zjgszwz/gmjjfb/202205/", "", "ZJGB2021"),
    ("https://quyushuju.com/forum.php?mod=viewthread&tid=79543", "", "ZJGB2023"),
    ("http://study.zjgdj.gov.cn/XXZX/LDJH/20170111/", "", "ZJGWR2017"),
    ("http://ckzpt.com/zjgszwz/gmjjshfzgh/202403/", "", "ZJGPLAN2022"),
    ("(no URL; 中国高新科技 2022年14期", "", "ZJG_JOURNAL"),
    ("http://cscaiwang.cn/dujia/zixun/20211209/32590.html", "", "ZJG_IND14"),
    ("http://www.chinadaily.com.cn/m/jiangsu/zhangjiagang/2014-12-04/", "", "CD2014"),
    ("http://www.easyfang.com/a/2020/1105/041141204.html", "", "SUNAN2020"),
    ("http://zg.changzhou.gov.cn/content/suitable/show?catid=2206&id=34636", "", "XHRB2016"),
    ("http://www.yusrgfq.cn/c/2017-02-07/1323128.shtml", "", "JSWR2017"),
    ("http://js.people.com.cn/BIG5/n2/2020/1004/", "", "PEOPLEJS2020"),
    ("http://photo.lcmywfg.com/6697154/easyten.html", "", "KJRB2023"),
    ("http://nakedbustytits.com/china/gedi/2018/0126/3822558.shtml", "", "JSWR2018"),
    ("https://investtaiwan.nat.gov.tw/eBook/Environment/111/111-93/", "", "JSWR2022"),
    ("http://www.sdbaoxi.com/art/2024/1/24/art_90101_11133514.html", "", "JSWR2024"),
    ("https://t.x21.cn/shehui/2023/0209/09101180022023.html", "", "JSSTAT2023"),
    ("http://golangjump.com/", "", "CNS2024"),
    ("http://news.jstv.com/a/20220228/1646029233405.shtml", "", "JSTV2022"),
    ("https://www1.epbiao.com/shangbiaos/43880.html", "", "YRD2022"),
    ("http://destroybadbreath.com/xwzx/PoliticsNews/202203/t20220301_12410440.htm", "", "CNB2021"),
    ("http://mtiku.zujuan.com/map/question-50804044.shtml", "", "ZUJUAN"),
    ("https://www.1dq.com/news/210766124835540992.html", "", "CNB2020"),
    ("http://www.intobj.cn/document/detail/id/24258.html", "", "CNRD2022"),
    ("http://jfsa.cn/caijing/2023/0124/11504.html", "", "NBS2023JAN"),
    ("http://evaliorh.com/classes/news.asp?id=wap533578", "", "CNRD2023"),
    ("https://window-to-china.de/2020/12/08/", "", "JST2020"),
    ("https://us.usy7.cc/usy0124Qc7lkd.htm", "", "CNS2026"),
    ("http://3x4pt.xiaoais.cn/stories/422122290.html", "", "CNS2025"),
    ("http://m.55883801.com/cj/jjgc/2024-01-16/1435805.html", "", "PEOPLE2024"),
    ("https://borsamip.com/NewsHot/2428.html", "", "CDMOST2020"),
    ("http://119.23.250.19:2008/api/jsc.php?Q4d=2.html", "", "GMRB"),
    ("http://gzfsmf.com/27443.html", "", "CCTV2023"),
    ("http://big5.china.com.cn/gate/big5/finance.china.com.cn/roll/20150303/", "", "JJRB2015"),
]


def source_of(url: str, kind: str) -> str:
    for prefix, kind_part, key in SOURCE_KEYS:
        if url.startswith(prefix) and kind_part in kind:
            return key
    raise KeyError(f"no source entry for {url!r} / {kind!r}")


# =============================================================================
# indicators of regional_sources.csv
# =============================================================================

INDICATOR_MAP = {
    "GDP": "gdp",
    "R&D intensity": "rd_intensity",
    "high-tech output share of above-scale industry": "hightech_output_share",
    "invention patents per 10k people": "invention_patents_per_10k",
    "invention patents per 10k people (有效)": "invention_patents_per_10k",
    "high-value invention patents per 10k people": "high_value_invention_patents_per_10k",
    "R&D expenditure": "rd_expenditure",
    "basic research expenditure": "basic_research_expenditure",
    "resident population": "resident_population",
    "resident population (7th census 2020-11-01)": "resident_population",
    "resident population (6th census)": "resident_population",
    "registered (hukou) population": "registered_population",
    "high-tech enterprises": "hightech_enterprises_total",
    "high-tech enterprises (total)": "hightech_enterprises_total",
    "high-tech enterprises (有效)": "hightech_enterprises_valid",
    "high-tech enterprises (national; cumulative)": "hightech_enterprises_cumulative",
    "high-tech enterprises newly certified": "hightech_enterprises_new",
    "high-tech enterprises newly added": "hightech_enterprises_new",
    "tech SMEs (科技型中小企业)": "tech_smes_registered",
    "tech SMEs (科技型中小企业入库)": "tech_smes_registered",
    "tech SMEs (国家科技型中小企业)": "tech_smes_registered",
    "tech SMEs registered (科技型中小企业备案)": "tech_smes_registered",
    "tech SMEs recognised": "tech_smes_registered",
    "technology contract turnover": "tech_contract_turnover",
    "above-scale industrial output": "above_scale_industrial_output",
    "high-tech output value": "hightech_output_value",
    "per-capita GDP": "gdp_per_capita",
    "service-sector value added": "service_value_added",
    "S&T progress contribution rate": "st_progress_contribution",
    "valid invention patents (count)": "valid_invention_patents",
    "domestic valid invention patents (count)": "valid_invention_patents",
    "high-value invention patents held (count)": "high_value_invention_patents",
}

TARGET_MAP = {
    "TARGET R&D intensity (2018-2020 S&T action plan)": "rd_intensity",
    "TARGET S&T progress contribution rate (2018-2020 S&T action plan)": "st_progress_contribution",
    "TARGET high-tech enterprises (2018-2020 S&T action plan)": "hightech_enterprises_total",
    "TARGET high-tech output share of above-scale industry (2018-2020 S&T action plan)": "hightech_output_share",
    "TARGET invention patents per 10k people (2018-2020 S&T action plan)": "invention_patents_per_10k",
    "TARGET share of above-scale industrial firms with R&D institutions (2018-2020 S&T action plan)":
        "rd_institution_rate_above_scale",
    "TARGET R&D intensity": "rd_intensity",
    "TARGET high-tech output share of above-scale industry (14th FYP industrial plan)": "hightech_output_share",
    "TARGET high-value invention patents per 10k people (national 14th FYP)": "high_value_invention_patents_per_10k",
}

#: rows left out, keyed (file, region, indicator label, year) -> reason (also in the docstring)
NOT_CARRIED = {
    ("regional_sources.csv", "Taicang", "CHANGE in R&D intensity over 2012-2016 govt term", "2016"):
        "a change over the 2012-2016 government term with no level: not an observation of a level",
    ("regional_sources.csv", "Taicang",
     "CHANGE in high-tech output share of above-scale industry over 2012-2016 govt term", "2016"):
        "a change over the 2012-2016 government term with no level: not an observation of a level",
    ("regional_sources.csv", "Suzhou", "high-tech output share of above-scale industry (Jan-Sep)", "2021"):
        "January-September figure, not annual",
    ("regional_sources.csv", "Suzhou", "invention patents per 10k people (Sep-end)", "2021"):
        "end-of-September stock, not a year-end figure",
    ("past_targets.csv", "Ireland", "GERD_pct_GNP", "2013"):
        "GNP-based target: no registry indicator; rd_intensity is % of GDP",
}

# -- per-row details, keyed (region, indicator label, year) --------------------------

DERIVATIONS = {
    ("Taicang", "GDP", "2024", "1881.6"):
        "1002.9 / 0.533 (service-sector value added 1002.9亿元 divided by its stated 53.3% share of GDP; "
        "the share is rounded, so the result is uncertain by about ±2亿元)",
    ("Taicang", "R&D intensity", "2010", "1.93"):
        "2.35 - 0.42 (2015 value minus stated change 比2010年底提高0.42个百分点)",
    ("Suzhou", "R&D intensity", "2022", "3.91"):
        "5.01 - 1.1 (Suzhou Industrial Park's 5.01% is 超全市平均水平1.1个百分点)",
    ("Suzhou", "invention patents per 10k people", "2020", "58.05"):
        "65.13 - 7.08 (end-September 2021 value minus stated change 比去年年末增加7.08件)",
    ("Changshu", "high-tech output share of above-scale industry", "2022", "42.2"):
        "45 - 2.8 (2023 value minus stated change +2.8个百分点)",
    ("Changshu", "invention patents per 10k people", "2023", "62.03"):
        "73.74 - 11.71 (2024 value minus stated increase of 11.71)",
    ("Jiangsu", "R&D intensity", "2010", "2.10"):
        "2.55 - 0.45 (2015 value minus stated change up 0.45 pp vs 2010)",
    ("Jiangsu", "high-tech output share of above-scale industry", "2010", "33"):
        "40 - 7 (2015 value minus stated change up 7 pp vs 2010)",
    ("Jiangsu", "invention patents per 10k people", "2015", "14.22"):
        "30.16 - 15.94 (2019 value minus stated change up 15.94 vs 2015)",
    ("China", "R&D intensity", "2021", "2.43"):
        "2.54 - 0.11 (2022 value minus stated increase 提高0.11个百分点)",
}

#: rows whose indicator differs from the label's default
INDICATOR_OVERRIDE = {
    ("Jiangsu", "high-tech enterprises", "2021", "37000"): "hightech_enterprises_cumulative",
}

#: rows (region, label, year, value) -> remarks added to note
ROW_REMARKS = {
    ("Taicang", "GDP", "2015", "1100"):
        "the source marks the figure as rounded (printed 1100亿元); no hedge word printed",
    ("Taicang", "GDP", "2018", "2650"):
        "DUBIOUS (source): conflicts with the work report's 1330亿元 for 2018; probably mis-stated (maybe "
        "industrial output) and published before the year ended; carried per rule, do not use as GDP "
        "without checking",
    ("Taicang", "GDP", "2024", "1881.6"):
        "derived, approximate (±2亿元 from the rounding of 53.3%); the source says use only if no bulletin "
        "value exists",
    ("Taicang", "R&D intensity", "2015", "2.35"):
        "the 14th S&T plan implies 2.30 for 2015 (3.34 - 1.04); that value is derived from the plan "
        "document by the library and is not added here: both stand, with their sources",
    ("Taicang", "invention patents per 10k people", "2015", "23.5"):
        "the text seen was cut off right after '23.5' (it may have more digits); the 14th S&T plan implies "
        "26.5 (72 - 45.5), derived by the library from the plan document",
    ("Taicang", "invention patents per 10k people (有效)", "2018", "53"):
        "YEAR INFERRED: reported 2019-07-03 without a year; taken as the end-2018 value",
    ("Taicang", "high-tech enterprises (total)", "2018", "349"):
        "basis (valid or cumulative) not stated: hightech_enterprises_total",
    ("Taicang", "per-capita GDP", "2022", "19.65"): "by resident population",
    ("Taicang", "resident population (7th census 2020-11-01)", "2020", "82.86"):
        "7th national census count, reference date 2020-11-01 (not a year-end figure)",
    ("Taicang", "service-sector value added", "2024", "1002.9"):
        "printed in the English summary as 100.29 billion yuan = 1002.9亿元",
    ("Taicang High-tech Zone (sub-area)", "tech SMEs recognised", "2021", "351"):
        "sub-area (太仓高新区), not the whole city; 认定 (recognised) tech SMEs of the year taken as "
        "registrations (an annual flow); published 2021-12-02, before the year ended",
    ("Suzhou", "R&D intensity", "2021", "3.8"): "预计 (estimate) for 2021 in a March 2022 review",
    ("Suzhou", "R&D intensity", "2022", "3.91"): "derived; the city value is approximate (~3.91%)",
    ("Suzhou", "high-tech enterprises", "2022", "13400"): "printed as 1.34万家; basis not stated",
    ("Suzhou", "high-tech enterprises", "2023", "15700"): "printed as 超过1.57万家; basis not stated",
    ("Suzhou", "high-tech enterprises newly added", "2024", "1769"):
        "新增 (newly added) may be a net increase rather than 新认定 (newly certified)",
    ("Suzhou", "high-tech output share of above-scale industry", "2022", "52.5"):
        "low-reliability secondary article (source_kind)",
    ("Suzhou", "high-tech output share of above-scale industry", "2024", "53.8"):
        "low-reliability promotional text; its '规上工业总产值突破5.5万亿' conflicts with the 2025 work "
        "report's 4.69万亿元",
    ("Suzhou", "resident population (6th census)", "2010", "1045.9890"):
        "6th national census count (reference date 2010-11-01; 10459890人) as restated in the 7th census "
        "bulletin; not a year-end figure",
    ("Suzhou", "resident population (7th census 2020-11-01)", "2020", "1274.8262"):
        "7th national census count, reference date 2020-11-01 (12748262人); not a year-end figure",
    ("Kunshan", "resident population (7th census 2020-11-01)", "2020", "209.2"):
        "7th national census count, reference date 2020-11-01 (not a year-end figure)",
    ("Changshu", "resident population (7th census 2020-11-01)", "2020", "167.77"):
        "7th national census count, reference date 2020-11-01 (not a year-end figure)",
    ("Suzhou", "tech SMEs (国家科技型中小企业)", "2023", "25000"):
        "basis: 国家科技型中小企业 (national evaluation-and-registration system), an annual registration count",
    ("Suzhou", "tech SMEs (科技型中小企业)", "2021", "18000"):
        "annual registration count (科技型中小企业 are re-registered every year)",
    ("Suzhou", "tech SMEs (科技型中小企业)", "2022", "22300"):
        "annual registration count (科技型中小企业 are re-registered every year); printed as 2.23万家",
    ("Suzhou", "tech SMEs (科技型中小企业入库)", "2022", "22327"):
        "入库 (evaluated and registered) count of the year",
    ("Suzhou", "technology contract turnover", "2020", "493.22"): "basis as published by the city S&T bureau",
    ("Kunshan", "high-tech enterprises (total)", "2022", "2700"): "总量 (total): basis not stated",
    ("Kunshan", "high-tech enterprises (有效)", "2022", "2744"):
        "YEAR INFERRED (source): the bulletin year is not visible in the text seen; assigned 2022 because "
        "consistent with '超2700' (2022); VERIFY",
    ("Kunshan", "invention patents per 10k people", "2022", "78.50"):
        "YEAR INFERRED (source): year of the bulletin inferred as 2022; VERIFY",
    ("Kunshan", "registered (hukou) population", "2020", "106.71"):
        "户籍 (registered) population, NOT resident (常住) population",
    ("Kunshan", "registered (hukou) population", "2024", "129.46"):
        "户籍 (registered) population, NOT resident (常住) population",
    ("Changshu", "GDP", "2016", "2112"):
        "city inferred as Changshu (the document does not name the city in the text seen)",
    ("Changshu", "tech SMEs registered (科技型中小企业备案)", "2024", "1471"):
        "备案 (filings) of the year taken as registrations (annual flow)",
    ("Changshu", "valid invention patents (count)", "2024", "12409"): "year-end stock",
    ("Zhangjiagang", "high-tech enterprises", "2008", "31"): "basis not stated",
    ("Zhangjiagang", "high-tech enterprises", "2014", "300"): "basis not stated; published in December 2014",
    ("Zhangjiagang", "resident population", "2023", "144"): "the bulletin rounds (statistics release: 144.02)",
    ("Jiangsu", "high-tech enterprises", "2016", "11000"): "总数 (total): basis not stated",
    ("Jiangsu", "high-tech enterprises", "2017", "13000"): "basis not stated",
    ("Jiangsu", "high-tech enterprises", "2021", "37000"):
        "the source says 累计 (cumulative), so hightech_enterprises_cumulative; it may in fact be the valid "
        "count (累计 is loose usage in work reports)",
    ("Jiangsu", "high-tech enterprises", "2022", "44000"): "basis not stated",
    ("Jiangsu", "high-tech enterprises", "2023", "51000"): "basis not stated",
    ("Jiangsu", "R&D intensity", "2022", "3.0"):
        "'将首次突破3%' in a January 2023 report: an expectation for 2022 (preliminary)",
    ("Jiangsu", "technology contract turnover", "2021", "3013.56"): "registration basis (科技部 登记技术合同)",
    ("Jiangsu", "tech SMEs (科技型中小企业)", "2023", "94000"):
        "annual registration count (科技型中小企业 are re-registered every year)",
    ("China", "R&D expenditure", "2020", "22100"):
        "DOUBT (found in conversion): 2.21万亿 equals the 2019 national R&D expenditure (22143.6亿元); the "
        "label 2020 may be the infographic's year; the 2020 statistical bulletin gives 24426亿元; carried as "
        "the source labels it",
    ("China", "R&D intensity", "2019", "2.23"): "secondary mention in a foreign news item",
    ("China", "high-value invention patents per 10k people", "2022", "9.4"):
        "year label ambiguous in the source (text says 2023 but refers to 2022)",
    ("China", "domestic valid invention patents (count)", "2023", "4015000"):
        "domestic (国内) valid invention patents, printed as 401.5万件",
    ("China", "high-value invention patents held (count)", "2022", "1324000"): "printed as 132.4万件",
    ("China", "technology contract turnover", "2021", "37294.3"): "科技部 registration basis",
    ("China", "technology contract turnover", "2020", "28252"): "NBS statistical-bulletin basis",
    ("China", "technology contract turnover", "2024", "68000"):
        "printed as 6.8万亿元 (rounded); the source marks it approximate but prints no hedge word",
    ("China", "basic research expenditure", "2024", "2500.9"): "2024 value reported with the innovation index",
    ("China", "R&D expenditure", "2022", "30870"): "superseded by the final 30782.9 (2022 科技经费投入统计公报)",
    ("China", "R&D intensity", "2022", "2.55"): "later final 2.54%",
    ("China", "high-tech enterprises", "2019", "225000"): "basis not stated",
    ("Yangtze River Delta", "R&D intensity", "2022", "3.23"): "three provinces and Shanghai together",
    ("Sunan (5 cities)", "R&D intensity", "2019", "3.26"): "the five southern Jiangsu cities together",
}

#: quote overrides where the Chinese in the note is not the figure's wording
QUOTE_OVERRIDE = {
    ("Taicang", "GDP", "2018", "2650"): "GDP ... to 265 billion yuan in 2018",
    ("Taicang", "GDP", "2024", "1881.6"): "",
    ("Taicang", "service-sector value added", "2024", "1002.9"):
        "services value added 100.29 billion yuan up 7.3%; = 53.3% of GDP",
    ("Zhangjiagang", "high-tech enterprises", "2008", "31"): "31 high-tech enterprises in 2008",
    ("Zhangjiagang", "high-tech enterprises", "2014", "300"):
        "since 2008 high-tech enterprises increased from 31 to 300",
    ("China", "high-tech enterprises", "2019", "225000"): "225000 high-tech enterprises in 2019",
    ("Taicang", "R&D intensity", "2015", "2.35"): "全社会研发投入占GDP比重2.35%",
    ("Taicang", "high-tech enterprises newly certified", "2018", "159"): "新认定159家高企",
    ("Taicang High-tech Zone (sub-area)", "tech SMEs recognised", "2021", "351"): "全年认定科技中小型企业351家",
    ("Suzhou", "high-tech enterprises", "2022", "13400"): "高新技术企业新认定5531家…1.34万家",
    ("Suzhou", "tech SMEs (科技型中小企业)", "2022", "22300"): "科技型中小企业首次突破2万…2.23万家",
    ("Suzhou", "R&D expenditure", "2009", "153"): "全市R&D投入2009年为153亿元 占GDP 2%",
    ("Suzhou", "above-scale industrial output", "2023", "44343.9"): "规模以上工业总产值44343.9亿元",
    ("Jiangsu", "R&D intensity", "2015", "2.55"): "全社会研发投入1800亿元 占GDP 2.55%",
    ("Jiangsu", "high-tech output share of above-scale industry", "2022", "48.5"): "",
    ("Suzhou", "tech SMEs (科技型中小企业入库)", "2022", "22327"): "苏州入库科技型中小企业22327家",
    ("China", "R&D intensity", "2021", "2.44"): "与GDP之比2.44%",
    ("Zhangjiagang", "TARGET high-tech output share of above-scale industry (14th FYP industrial plan)", "2025", "45"):
        "高新技术产业产值占规上工业比重达45%",
    ("Taicang", "invention patents per 10k people", "2015", "23.5"): "万人发明专利拥有量达23.5",
}

#: the plan and the year it was set, per source of a TARGET row of regional_sources.csv
REGIONAL_TARGET_PLANS = {
    "TAP": ("太仓市科技创新三年行动计划（2018—2020年）", "2018"),
    "ZJG_JOURNAL": ("张家港创建国家级高新区 (target as reported in 中国高新科技 2022年第14期)", "2022"),
    "ZJG_IND14": ("张家港市工业经济高质量发展“十四五”规划", "2021"),
    "CNS2026": ("14th Five-Year Plan (2021-2025)", "2021"),
}

TARGET_REMARKS = {
    ("Taicang", "TARGET high-tech enterprises (2018-2020 S&T action plan)", "2020", "500"):
        "basis (valid or cumulative) not stated: hightech_enterprises_total; the 14th S&T plan reports "
        "累计拥有高新技术企业676家 for 2020",
    ("Zhangjiagang", "TARGET R&D intensity", "2025", "4"):
        "set_year is the year the target was reported (latest plausible); it may have been set earlier",
    ("China", "TARGET high-value invention patents per 10k people (national 14th FYP)", "2025", "12"):
        "the same target is in past_targets.csv from another source; both kept",
}

#: rows whose status the generic reading would get wrong: (key) -> (status, reason)
STATUS_OVERRIDE = {
    # 预计 in the note refers to 2021, not to the 2016 figure of this row
    ("Suzhou", "R&D intensity", "2016", "2.73"): ("reported", ""),
    ("Jiangsu", "R&D intensity", "2022", "3.0"): ("preliminary", "'将首次突破' (expected) in January 2023"),
    ("Suzhou", "R&D intensity", "2021", "3.8"): ("preliminary", "预计 (estimate)"),
    ("China", "R&D expenditure", "2020", "24426"):
        ("preliminary", "R&D figure of the national statistical bulletin, finalised in the 科技经费投入统计公报"),
    ("China", "R&D intensity", "2020", "2.40"):
        ("preliminary", "R&D figure of the national statistical bulletin, finalised in the 科技经费投入统计公报"),
}


# =============================================================================
# value text
# =============================================================================

_PREFIX_HEDGES = ["首次突破", "突破", "超过", "超", "逾", "大约", "约", "将近", "接近", "近"]
_SUFFIX_HEDGES = ["以上", "左右"]


def hedge_word(marker: str, note: str) -> tuple[str, str]:
    """The hedge word the source printed for a '(lower bound)' / '(approx)' figure.

    Looks first in the quoted text of the unit marker (``'超2700'``), then in the
    note.  Returns (prefix, suffix); both empty when no word is printed.
    """
    quoted = re.findall(r"'([^']*)'", marker)
    for text in [*quoted, note]:
        for w in _PREFIX_HEDGES:
            if re.search(re.escape(w) + r"\s*\d", text):
                return w, ""
        m = re.search(r"\d(?:[.\d]*)(?:万亿|万|亿)?[元件家%个]*(以上|左右)", text)
        if m:
            return "", m.group(1)
        m = re.search(r"\d(?:[.\d]*)(?:万)?余", text)
        if m:
            return "", "余"
    return "", ""


def value_text(value: str, unit_col: str, note: str) -> str:
    """The value as printed: the number plus the hedge word the source printed."""
    m = re.match(r"^(\S+)(?:\s*\((.*)\))?$", unit_col.strip())
    marker = (m.group(2) or "") if m else ""
    if marker.lower().startswith(("lower bound", "approx")):
        pre, post = hedge_word(marker, note)
        if post == "余" and value.endswith("余"):
            return value
        return f"{pre}{value}{post}"
    return value


def printed_unit(unit_col: str) -> str:
    return unit_col.split("(")[0].strip()


# =============================================================================
# readers
# =============================================================================

def read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows with their 1-based line number in the file (header = line 1)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # every input here has one physical line per record (checked below)
    text = path.read_text(encoding="utf-8")
    if text.count("\n") != len(rows) + 1 - (0 if text.endswith("\n") else 1):
        raise ValueError(f"{path}: records span several lines; line numbers would be wrong")
    return [(i + 2, r) for i, r in enumerate(rows)]


@dataclass
class Ledger:
    """Counts for the summary: rows read, written, not carried (with reasons)."""

    read: dict[str, int] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    not_carried: list[tuple[str, str]] = field(default_factory=list)


# =============================================================================
# converters (pure: rows in, rows out)
# =============================================================================

def convert_regional(rows, ledger: Ledger) -> tuple[list[dict], list[dict]]:
    obs, targets = [], []
    for line, r in rows:
        region, label, year, value = r["region"], r["indicator"], r["year"], r["value"]
        key4 = (region, label, year, value)
        ref = f"regional_sources.csv:{line}"
        nc = NOT_CARRIED.get(("regional_sources.csv", region, label, year))
        if nc:
            ledger.not_carried.append((ref, f"{region} / {label} / {year} / {value}: {nc}"))
            continue
        url_raw, kind, note = r["source_url"], r["source_kind"], r["note"]
        src = SOURCES[source_of(url_raw, kind)]
        url = "" if url_raw.startswith("(no URL") else url_raw
        no_url = f"no URL: {url_raw.strip('()')}" if not url else ""
        date = src.date_for(int(year))
        date_note = f"publication date inferred: {src.how}" if src.basis == "inferred" else ""
        source_note = f"source note: {note}" if note else ""
        source_kind = f"source_kind: {kind}"
        if label.startswith("TARGET"):
            indicator = TARGET_MAP[label]
            word = hedge_word(r["unit"], note) if "lower bound" in r["unit"] else ("", "")
            comparator = ">="  # 达/达到/超 in every TARGET row of this file
            quote = QUOTE_OVERRIDE.get(key4, chinese_quote(note))
            remarks = [TARGET_REMARKS.get(key4, "")]
            if word != ("", ""):
                remarks.append(f"printed with '{word[0] or word[1]}' (more than): comparator >=")
            plan, set_year = REGIONAL_TARGET_PLANS[source_of(url_raw, kind)]
            publisher, document = src.publisher, src.document
            if plan in PLAN_PROVENANCE:  # a national plan quoted by news: cite the plan
                publisher, document, _, _, _ = PLAN_PROVENANCE[plan]
                date, basis = f"{set_year}-12-31", "inferred"
                date_note = "publication date inferred: no date of the plan in the source: set_year-12-31"
                remarks.append(f"read in: {src.document}")
            else:
                basis = src.basis
            targets.append({
                "region": region, "indicator": indicator, "target_year": year, "target": value,
                "unit": printed_unit(r["unit"]), "comparator": comparator, "tolerance": "",
                "plan": plan, "set_year": set_year, "publisher": publisher,
                "document": document, "url": url, "published": date, "published_basis": basis,
                "quote": quote,
                "note": join_note(*remarks, src.remark, no_url, date_note, source_note, source_kind),
                "source_ref": ref,
            })
            continue
        indicator = INDICATOR_OVERRIDE.get(key4, INDICATOR_MAP[label])
        unit_col = r["unit"]
        marker = unit_col[len(printed_unit(unit_col)):].strip()
        vtext = value_text(value, unit_col, note)
        derivation = DERIVATIONS.get(key4, "")
        is_derived = ("derived" in marker.lower() or note.startswith("NOT directly stated")
                      or kind.startswith("derived"))
        if is_derived and not derivation:
            raise ValueError(f"{ref}: derived row without a derivation entry")
        if derivation and not is_derived:
            raise ValueError(f"{ref}: derivation entry for a row that is not derived")
        status_reason = ""
        if is_derived:
            status = "derived"
        elif key4 in STATUS_OVERRIDE:
            status, status_reason = STATUS_OVERRIDE[key4]
        elif "preliminary" in marker.lower():
            status, status_reason = "preliminary", f"marked {marker} in the source"
        elif src.preliminary:
            status, status_reason = "preliminary", src.preliminary
        elif re.search(r"预计|初步核算|初步测算|\(preliminary", note):
            status, status_reason = "preliminary", "the source says 预计/初步 (preliminary)"
        else:
            status = "reported"
        quote = QUOTE_OVERRIDE.get(key4, chinese_quote(note))
        remarks = [ROW_REMARKS.get(key4, "")]
        if indicator.startswith("tech_smes") and key4 not in ROW_REMARKS:
            remarks.append("annual registration count")
        if "YEAR INFERRED" in marker and key4 not in ROW_REMARKS:
            raise ValueError(f"{ref}: YEAR INFERRED row needs a remark")
        if "DUBIOUS" in marker and key4 not in ROW_REMARKS:
            raise ValueError(f"{ref}: DUBIOUS row needs a remark")
        obs.append({
            "region": region, "indicator": indicator, "year": year, "value": vtext,
            "unit": printed_unit(unit_col), "status": status, "derivation": derivation,
            "publisher": src.publisher, "document": src.document, "url": url,
            "published": date, "published_basis": src.basis, "quote": quote,
            "note": join_note(*remarks, f"status: {status_reason}" if status_reason else "",
                              src.remark, no_url, date_note, source_note, source_kind),
            "source_ref": ref,
        })
    return obs, targets


# -- cn_points_published.csv --------------------------------------------------------

CN_POINTS_INDICATORS = {
    "RD_intensity_pct_GDP": "rd_intensity",
    "invention_patents_per_10k_pop": "invention_patents_per_10k",
    "invention_patents_valid_per_10k_pop": "invention_patents_per_10k",
    "high_value_invention_patents_per_10k_pop": "high_value_invention_patents_per_10k",
}
CN_POINTS_UNITS = {"% of GDP": "%", "patents per 10k people": "件/万人"}

# (region, indicator, year) -> (publisher, document, published, basis, how, status, remark)
CN_POINTS_PROVENANCE = {
    ("China (national)", "RD_intensity_pct_GDP", "2010"): "BOOK",
    ("China (national)", "RD_intensity_pct_GDP", "2014"): "BOOK",
    ("China (national)", "invention_patents_per_10k_pop", "2010"): "BOOK",
    ("China (national)", "invention_patents_per_10k_pop", "2014"): "BOOK",
    ("China (national)", "RD_intensity_pct_GDP", "2011"): "NLINNO",
    ("China (national)", "RD_intensity_pct_GDP", "2020"): "CNB2020",
    ("China (national)", "RD_intensity_pct_GDP", "2021"): "CNRD2021",
    ("China (national)", "RD_intensity_pct_GDP", "2022"): "CNRD2022",
    ("China (national)", "RD_intensity_pct_GDP", "2024"): "XINHUA2025",
    ("China (national)", "high_value_invention_patents_per_10k_pop", "2021"): "CD2022",
    ("China (national)", "high_value_invention_patents_per_10k_pop", "2025"): "CNS2026",
    ("Shanghai", "RD_intensity_pct_GDP", "2020"): "SH14",
    ("Jiangsu", "RD_intensity_pct_GDP", "2014"): "XHRB2015",
    ("Jiangsu", "RD_intensity_pct_GDP", "2015"): "JSKJT",
    ("Jiangsu", "RD_intensity_pct_GDP", "2017"): "JSWR2018",
    ("Jiangsu", "invention_patents_per_10k_pop", "2017"): "JSWR2018",
    ("Shandong", "RD_intensity_pct_GDP", "2015"): "SD13",
    ("Shandong", "invention_patents_per_10k_pop", "2015"): "SD13",
    ("Tianjin", "RD_intensity_pct_GDP", "2015"): "TJ13",
    ("Tianjin", "invention_patents_per_10k_pop", "2015"): "TJ13",
    ("Anhui", "RD_intensity_pct_GDP", "2015"): "AHNEWS",
    ("Anhui", "invention_patents_valid_per_10k_pop", "2015"): "AHNEWS",
    ("Anhui", "invention_patents_per_10k_pop", "2020"): "AH14",
    ("Anhui", "RD_intensity_pct_GDP", "2006"): "AHSILK",
    ("Anhui", "RD_intensity_pct_GDP", "2018"): "AHSILK",
    ("Fujian", "RD_intensity_pct_GDP", "2015"): "FJRB",
    ("Fujian", "RD_intensity_pct_GDP", "2019"): "FJRB",
    ("Fujian", "invention_patents_per_10k_pop", "2015"): "FJRB",
    ("Fujian", "invention_patents_per_10k_pop", "2019"): "FJRB",
    ("Hubei", "invention_patents_per_10k_pop", "2010"): "HB13",
    ("Hubei", "invention_patents_per_10k_pop", "2015"): "HB13",
    ("Guangdong", "RD_intensity_pct_GDP", "2015"): "VOC2016",
}

PLAN13 = ("undated provincial 13th-FYP S&T plan, issued in 2016–2017; 2017-12-31 taken as the latest "
          "plausible date")
CN_POINTS_SOURCES = {
    "BOOK": Source("book (publisher not named; read on QQ Reading)",
                   "中国经济的转型升级：从“十二五”看“十三五”", "2016-12-31", "inferred",
                   "book reviewing the 12th FYP (data to 2014) ahead of the 13th; 2016-12-31 taken as the "
                   "latest plausible date"),
    "NLINNO": Source("Netherlands Innovation Network (netherlandsinnovation.nl)",
                     "'Chinese aim to be world technological power by 2049' (undated article)", "2012-02-29",
                     "inferred", UNDATED + "; 1.83% is the 2011 national statistical bulletin's figure, "
                     "released at the end of February 2012", "early vintage (bulletin) figure"),
    "CNB2020": Source("国家统计局", "中华人民共和国2020年国民经济和社会发展统计公报", "2021-02-28", "inferred",
                      NATIONAL_BULLETIN, "preliminary (statistical communiqué) vintage",
                      "read on a mirror of 中商产业研究院"),
    "CNRD2021": Source("国家统计局、科学技术部、财政部", "2021年全国科技经费投入统计公报", "2022-10-31", "inferred",
                       KJJF),
    "CNRD2022": SOURCES["CNRD2022"],
    "XINHUA2025": Source("新华社", "新华社 2025-09-18 report (summary)", "2025-09-18", "stated",
                         "date given in the source note"),
    "CD2022": Source("China Daily (reporting the NBS)", "China Daily 2022-10-11 report on China's innovation",
                     "2022-10-11", "inferred", "date in the mirrored URL path (…/2022-10/11/…)",
                     remark="read on a mirror"),
    "CNS2026": SOURCES["CNS2026"],
    "SH14": Source("上海市科学技术委员会 (media report on its website)",
                   "media report on 上海市建设具有全球影响力的科技创新中心“十四五”规划", "2021-09-29", "inferred",
                   "date in the official site's URL path (…/20210929/…)"),
    "XHRB2015": Source("新华日报", "新华日报 2015-11-30 '江苏研发经费 连续12年全国居首'", "2015-11-30", "stated",
                       "date given in the source"),
    "JSKJT": Source("江苏省科学技术厅", "江苏省科技厅 presentation slides (undated)", "2016-12-31", "inferred",
                    "slides giving 2015 as a preliminary lower bound, so made before the 2015 final figures "
                    "(autumn 2016); 2016-12-31 taken as the latest plausible date", "preliminary (source note)"),
    "JSWR2018": SOURCES["JSWR2018"],
    "SD13": Source("山东省人民政府", "山东省“十三五”科技创新规划", "2017-12-31", "inferred", PLAN13,
                   remark="read on a repost"),
    "TJ13": Source("天津市人民政府", "天津市科技创新“十三五”规划", "2017-05-03", "inferred",
                   "date in the official S&T commission site's URL path (…/t20170503_…)"),
    "AHNEWS": Source("news report (outlet not named; read on front-pross.com.cn)",
                     "news report on Anhui's 12th-FYP R&D results (undated)", "2016-12-31", "inferred",
                     "undated report on 2015 outcomes, published during 2016; 2016-12-31 taken as the latest "
                     "plausible date"),
    "AH14": Source("安徽省人民政府", "安徽省“十四五”科技创新规划", "2022-12-31", "inferred",
                   "undated provincial 14th-FYP S&T plan, issued in 2021–2022; 2022-12-31 taken as the latest "
                   "plausible date", remark="read on a repost"),
    "AHSILK": Source("imsilkroad.com (web article; outlet not named)", "web article on Anhui's R&D (undated)",
                     "2019-12-31", "inferred", "undated article whose latest figure is 2018 (an early value, "
                     "the yearbook gives 2.16), so written during 2019; 2019-12-31 taken as the latest "
                     "plausible date"),
    "FJRB": Source("福建日报·新福建", "福建日报·新福建 2020-11-13", "2020-11-13", "stated",
                   "date given in the source (no URL)"),
    "HB13": Source("湖北省人民政府", "湖北省科技创新“十三五”规划", "2017-12-31", "inferred", PLAN13,
                   remark="read on a repost"),
    "VOC2016": Source("华声在线 (voc.com.cn)", "华声在线 2016-02-04 report on Guangdong's 2015 R&D",
                      "2016-02-04", "inferred", "date in the news page's URL path (…/20160204…)",
                      "预计 (expected) 2015 value"),
}


CN_POINTS_REMARKS = {
    ("China (national)", "RD_intensity_pct_GDP", "2010", "1.84"):
        "DOUBT (found in conversion): China's 2010 R&D intensity was published as 1.76% (7062.6亿元 over "
        "the GDP of the time); 1.84% is the 2011 figure, so the book may misstate the year; carried as printed",
}


def convert_cn_points(rows, ledger: Ledger) -> list[dict]:
    out = []
    for line, r in rows:
        ref = f"reference/cn_points_published.csv:{line}"
        src = CN_POINTS_SOURCES[CN_POINTS_PROVENANCE[(r["region"], r["indicator"], r["year"])]]
        unit_col = r["unit"]
        base = unit_col.split("(")[0].strip()
        value = r["value"]
        status_reason = ""
        if "(lower bound: 以上)" in unit_col:
            value = f"{value}以上"
        elif "(about: 左右)" in unit_col:
            value = f"{value}左右"
        status = "reported"
        if "(expected: 预计)" in unit_col:
            status, status_reason = "preliminary", "预计 (expected)"
        elif src.preliminary:
            status, status_reason = "preliminary", src.preliminary
        elif re.search(r"early vintage|preliminary", r["note"]):
            status, status_reason = "preliminary", "early/preliminary vintage (source note)"
        url = r["source"] if r["source"].startswith("http") else ""
        no_url = f"no URL: {r['source']}" if not url else ""
        region = "China" if r["region"] == "China (national)" else r["region"]
        remark = CN_POINTS_REMARKS.get((r["region"], r["indicator"], r["year"], r["value"]), "")
        if r["indicator"] == "invention_patents_valid_per_10k_pop":
            remark = "printed as 万人有效发明专利拥有量 (valid invention patents per 10k)"
        out.append({
            "region": region, "indicator": CN_POINTS_INDICATORS[r["indicator"]], "year": r["year"],
            "value": value, "unit": CN_POINTS_UNITS[base], "status": status, "derivation": "",
            "publisher": src.publisher, "document": src.document, "url": url,
            "published": src.date_for(int(r["year"])), "published_basis": src.basis, "quote": r["quote"],
            "note": join_note(remark, f"status: {status_reason}" if status_reason else "", src.remark, no_url,
                              f"publication date inferred: {src.how}" if src.basis == "inferred" else "",
                              f"source note: {r['note']}" if r["note"] else "",
                              f"original indicator: {r['indicator']}; original region: {r['region']}"),
            "source_ref": ref,
        })
    return out


# -- provincial panels ----------------------------------------------------------------

def convert_provinces(rows, ledger: Ledger, *, kind: str, fname: str) -> list[dict]:
    out = []
    for line, r in rows:
        year = int(r["year"])
        url, source = github_url(r["source"])
        if kind == "rd":
            indicator = {"RD_expenditure": "rd_expenditure", "RD_intensity_pct_GDP": "rd_intensity"}[r["indicator"]]
            unit = {"100 million yuan (亿元)": "亿元", "% of GDP": "%"}[r["unit"]]
            table = "R&D expenditure and intensity by region"
        else:
            indicator = r["indicator"]  # valid_invention_patents etc. are registry ids already
            unit = {"patents (件)": "件"}[r["unit"]]
            table = "valid patents by region"
        out.append({
            "region": "China" if r["region"] == "China (national)" else r["region"],
            "indicator": indicator, "year": r["year"], "value": r["value"], "unit": unit,
            "status": "reported", "derivation": "",
            "publisher": "国家统计局、科学技术部",
            "document": f"中国科技统计年鉴{year + 1} ({table})",
            "url": url, "published": f"{year + 1}-12-31", "published_basis": "inferred", "quote": "",
            "note": join_note(
                f"publication date inferred: data year {year} first appears in the yearbook edition "
                f"{year + 1} (China Statistical Yearbook on Science and Technology), published about "
                f"{year + 1}-12-31 (latest plausible date)",
                f"read from {source}",
                f"region_cn: {r['region_cn']}; source_var: {r['source_var']}; original indicator: "
                f"{r['indicator']}"),
            "source_ref": f"reference/{fname}:{line}",
        })
    return out


# WB aggregate codes (regions, income and lending groups, demographic groups)
WB_AGGREGATES = frozenset(
    "AFE AFW ARB CEB CSS EAP EAR EAS ECA ECS EMU EUU FCS HIC HPC IBD IBT IDA IDB IDX INX LAC LCN LDC "
    "LIC LMC LMY LTE MEA MIC MNA NAC OED OSS PRE PSS PST SAS SSA SSF SST TEA TEC TLA TMN TSA TSS UMC "
    "WLD".split())


def convert_wb(rows, ledger: Ledger) -> list[dict]:
    out = []
    for line, r in rows:
        url, source = github_url(r["source"])
        aggregate = "aggregate (World Bank group, not a country)" if r["region_code"] in WB_AGGREGATES else ""
        out.append({
            "region": r["region"], "indicator": "rd_intensity", "year": r["year"], "value": r["value"],
            "unit": "%", "status": "reported", "derivation": "",
            "publisher": "World Bank (data from UNESCO Institute for Statistics; Eurostat/OECD for EU members)",
            "document": "World Development Indicators, GB.XPD.RSDV.GD.ZS", "url": url,
            "published": "2026-07-13", "published_basis": "stated", "quote": "",
            "note": join_note(aggregate, "release date: the file's 'Last Updated Date' 2026-07-13",
                              f"read from {source}", f"region_code: {r['region_code']}"),
            "region_code": r["region_code"],
            "source_ref": f"reference/wb_gerd.csv:{line}",
        })
    return out


EU_COUNCIL = "Council of the European Union (Presidency conclusions of the European Council; data: Eurostat)"
EU_DOC = ("Presidency Conclusions, Brussels European Council 23–24 March 2006, Annex I (R&D expenditure "
          "in EU countries in 2004 and as planned)")


def convert_eu(rows, ledger: Ledger) -> list[dict]:
    out = []
    for line, r in rows:
        url = r["source"].split(" (")[0]
        year_note = ("provisional; IT, LU, PT refer to 2003 (this row: 2003)" if r["year"] == "2003"
                     else "provisional (the source: 'Most values are provisional')")
        out.append({
            "region": r["region"], "indicator": "rd_intensity", "year": r["year"], "value": r["value"],
            "unit": "%", "status": "preliminary", "derivation": "",
            "publisher": EU_COUNCIL, "document": EU_DOC, "url": url,
            "published": "2006-03-24", "published_basis": "stated", "quote": "",
            "note": join_note(year_note, "published with the national Lisbon targets: what was known when "
                              "the targets were set; the URL's title says 25-26 March",
                              f"source: {r['source']}", f"original indicator: {r['indicator']}"),
            "source_ref": f"reference/eu_gerd_vintage_2006.csv:{line}",
        })
    return out


# -- past_targets.csv -------------------------------------------------------------------

TARGET_INDICATORS = {
    "RD_intensity_pct_GDP": "rd_intensity", "GERD_pct_GDP": "rd_intensity",
    "invention_patents_per_10k_pop": "invention_patents_per_10k",
    "high_value_invention_patents_per_10k_pop": "high_value_invention_patents_per_10k",
}
TARGET_UNITS = {"rd_intensity": "%", "invention_patents_per_10k": "件/万人",
                "high_value_invention_patents_per_10k": "件/万人"}

LISBON = "Lisbon strategy: National Reform Programme target (Annex I, European Council 23-24 March 2006)"

# plan -> (publisher, document, published override or None, basis, how)
PLAN_PROVENANCE: dict[str, tuple[str, str, str | None, str, str]] = {
    "国家中长期科学和技术发展规划纲要(2006-2020年)": ("国务院", "国家中长期科学和技术发展规划纲要(2006-2020年)",
                                                None, "", ""),
    "13th Five-Year Plan (2016-2020)": ("国务院 (national plan approved by the National People's Congress)",
                                        "中华人民共和国国民经济和社会发展第十三个五年规划纲要 (13th Five-Year Plan, "
                                        "2016-2020)", None, "", ""),
    "12th Five-Year Plan (2011-2015)": ("国务院 (national plan approved by the National People's Congress)",
                                        "中华人民共和国国民经济和社会发展第十二个五年规划纲要 (12th Five-Year Plan, "
                                        "2011-2015)", None, "", ""),
    "14th Five-Year Plan (2021-2025)": ("国务院 (national plan approved by the National People's Congress)",
                                        "中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要 "
                                        "(14th Five-Year Plan, 2021-2025)", None, "", ""),
    "Guangdong 13th Five-Year Plan (2016-2020)": (
        "广东省人民政府", "广东省2016年政府工作报告 (governor's work report outlining the 13th FYP; reported by "
        "SCMP 2016-01-25)", "2016-01-25", "stated", "date of the SCMP report given in the source note"),
    "Guangdong 14th FYP for Technology and Innovation Development (2021-2025)": (
        "广东省人民政府", "广东省科技创新“十四五”规划 (Guangdong 14th FYP for Technology and Innovation "
        "Development, 2021-2025)", None, "", ""),
    "浙江省科技创新“十三五”规划": ("浙江省人民政府", "浙江省科技创新“十三五”规划", None, "", ""),
    "Zhejiang government work report 2023 (goals for the next five years)": (
        "浙江省人民政府", "浙江省2023年政府工作报告", None, "", ""),
    "上海市建设具有全球影响力的科技创新中心“十四五”规划": (
        "上海市人民政府", "上海市建设具有全球影响力的科技创新中心“十四五”规划", "2021-09-29", "inferred",
        "date in the official site's URL path (…/20210929/…) of a media report on the plan"),
    "北京市中长期科学和技术发展规划纲要(2008年—2020年)": (
        "北京市人民政府", "北京市中长期科学和技术发展规划纲要(2008年—2020年)", "2008-07-23", "inferred",
        "date of the 经济日报 report in the URL path (…/2008-07/23/…)"),
    "天津市国民经济和社会发展第十二个五年规划纲要": ("天津市人民政府", "天津市国民经济和社会发展第十二个五年规划纲要",
                                                None, "", ""),
    "江苏省“十二五”规划": ("江苏省人民政府", "江苏省国民经济和社会发展第十二个五年规划纲要 (江苏省“十二五”规划)",
                           None, "", ""),
    "江苏省科技厅 2016 work plan (annual target)": (
        "江苏省科学技术厅", "江苏省科技厅 2016 work plan", "2016-03-09", "inferred",
        "date in the news page's URL path (…/2016/0309/…)"),
    "河南省科技创新“十三五”规划": ("河南省人民政府", "河南省科技创新“十三五”规划", "2016-12-14", "stated",
                                   "中国高新技术产业导报 2016-12-14 (date given in the source note)"),
    "《关于加快科技创新建设创新型河北的决定》(2016)": (
        "中共河北省委、河北省人民政府", "关于加快科技创新建设创新型河北的决定", "2016-07-31", "inferred",
        "month in the repost's URL path (…/201607/…); end of month taken"),
    "黑龙江省委省政府 关于深入实施创新驱动发展战略推进科技强省建设的若干意见": (
        "中共黑龙江省委、黑龙江省人民政府", "关于深入实施创新驱动发展战略推进科技强省建设的若干意见", None, "", ""),
    "云南省“十三五”科技创新规划": ("云南省人民政府", "云南省“十三五”科技创新规划", "2017-01-20", "inferred",
                                   "date in the news page's URL path (…/2017-01/20/…)"),
    "四川省促进全社会加大研发投入工作方案": ("四川省人民政府", "四川省促进全社会加大研发投入工作方案", None, "", ""),
    "Barcelona/Lisbon target": ("European Council", "Presidency Conclusions, Barcelona European Council 2002",
                                None, "", ""),
    "High-Tech Strategy 2025": ("Bundesregierung (German Federal Government)", "High-Tech Strategy 2025",
                                None, "", ""),
    "Council of Ministers resolution (Dec 2021)": ("Conselho de Ministros (Portuguese Council of Ministers)",
                                                   "Council of Ministers resolution (Dec 2021)", "2021-12-31",
                                                   "inferred", "the source gives the month (Dec 2021) only; "
                                                   "end of month taken"),
    "Polish pre-accession R&D target (quoted in an EU text)": (
        "Polish government (quoted in a European Union text)", "Polish pre-accession R&D target (quoted in an "
        "EU text)", "2003-12-31", "inferred", "the EU text quoting it dates from about 2002-2003 (not stated); "
        "2003-12-31 taken as the latest plausible date"),
    LISBON: (EU_COUNCIL.replace("; data: Eurostat", ""), EU_DOC, "2006-03-24", "stated",
             "the source names the document: Annex I to the Presidency conclusions of the European Council "
             "of 23-24 March 2006"),
}


def convert_targets(rows, ledger: Ledger) -> list[dict]:
    out = []
    for line, r in rows:
        ref = f"past_targets.csv:{line}"
        nc = NOT_CARRIED.get(("past_targets.csv", r["region"], r["indicator"], r["target_year"]))
        if nc:
            ledger.not_carried.append((ref, f"{r['region']} / {r['indicator']} / {r['target_year']} / "
                                            f"{r['target_value']}: {nc}"))
            continue
        indicator = TARGET_INDICATORS[r["indicator"]]
        publisher, document, date, basis, how = PLAN_PROVENANCE[r["plan"]]
        set_year = r["set_year"]
        remarks = []
        if not set_year:
            set_year = "2003"
            remarks.append("set_year not given in the source (c. 2002-2003): 2003, the latest plausible year")
        if date is None:
            date, basis = f"{set_year}-12-31", "inferred"
            how = "no date in the source: set_year-12-31 (latest plausible date)"
        comparator = {">=": ">=", "about": "about"}[r["comparator"]]
        source = r["source"]
        url = source if source.startswith("http") else ""
        out.append({
            "region": "China" if r["region"] == "China (national)" else r["region"],
            "indicator": indicator, "target_year": r["target_year"], "target": r["target_value"],
            "unit": TARGET_UNITS[indicator], "comparator": comparator, "tolerance": "",
            "plan": r["plan"], "set_year": set_year, "publisher": publisher, "document": document,
            "url": url, "published": date, "published_basis": basis, "quote": r["quote"],
            "note": join_note(*remarks, "" if url else f"no URL: {source}",
                              f"publication date inferred: {how}" if basis == "inferred" else "",
                              f"source note: {r['note']}" if r["note"] else "",
                              f"original indicator: {r['indicator']}"),
            "source_ref": ref,
        })
    return out


# =============================================================================
# the plan document
# =============================================================================

PLAN_SEED = SHARED / "seeds" / "000_7ec6b2c546acc8c7.txt"


def plan_meta(text: bytes) -> str:
    sha = hashlib.sha256(text).hexdigest()
    note = (
        "Text export of the published plan, supplied to the project as shared/seeds/000_7ec6b2c546acc8c7.txt "
        "(it keeps the export's [bookmark: …] marks and tab-separated table rows); no URL of the original is "
        "known, hence url is empty. Publisher: the plan is the city's own 14th-FYP special plan for S&T "
        "innovation ('全市科技创新发展的共同纲领和行动指南', compiled under the city's 14th FYP outline), so it is "
        "cited as 太仓市人民政府; the drafting department is 太仓市科学技术局 (the text names neither). "
        "Publication date inferred: the text cites the '七一' speech of 2021-07-01, so it was finished after "
        "July 2021; the WPS bookmark ids (_Toc89090186 …) hint at a late-2021 document; 14th-FYP special plans "
        "were issued in late 2021 or early 2022. 2022-01-31 is taken as the latest plausible date: choosing "
        "late means as_of never sees the plan (and its 2020 outcomes and 2025 targets) before it existed."
    )

    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [
        f"publisher = {q('太仓市人民政府')}",
        f"document = {q('太仓市“十四五”科技创新规划')}",
        f"url = {q('')}",
        f"published = {q('2022-01-31')}",
        f"published_basis = {q('inferred')}",
        f"note = {q(note)}",
        f"sha256 = {q(sha)}",
    ]
    return "\n".join(lines) + "\n"


# =============================================================================
# validation
# =============================================================================

_VALUE_RE = re.compile(r"^(首次突破|突破|超过|超|逾|大约|约|将近|接近|近)?\d+(\.\d+)?(余)?(以上|左右)?$")


def validate(name: str, rows: list[dict], *, target: bool = False) -> list[str]:
    problems = []
    seen: dict[tuple, str] = {}
    for i, r in enumerate(rows, start=2):
        where = f"{name} row {i}"
        ind = registry.BY_ID.get(r["indicator"])
        if ind is None:
            problems.append(f"{where}: unknown indicator {r['indicator']!r}")
            continue
        if r["unit"] not in UNIT_OK.get(ind.unit, set()):
            problems.append(f"{where}: unit {r['unit']!r} does not fit {ind.id} ({ind.unit})")
        value = r["target"] if target else r["value"]
        if not _VALUE_RE.match(value):
            problems.append(f"{where}: value {value!r} does not read as a number")
        else:
            num = float(re.sub(r"[^\d.]", "", value))
            lo, hi = ind.bounds or (0.0, float("inf"))
            if not lo <= num <= hi:
                problems.append(f"{where}: value {value} outside {ind.bounds}")
        for col in ("region", "publisher", "document", "published", "published_basis"):
            if not r[col]:
                problems.append(f"{where}: {col} empty")
        try:
            pub = _dt.date.fromisoformat(r["published"])
        except ValueError:
            problems.append(f"{where}: published {r['published']!r} is not YYYY-MM-DD")
            continue
        if pub > CUTOFF:
            problems.append(f"{where}: published {pub} after {CUTOFF}")
        if r["published_basis"] not in ("stated", "inferred"):
            problems.append(f"{where}: published_basis {r['published_basis']!r}")
        if target:
            if r["comparator"] not in (">=", "<=", "about"):
                problems.append(f"{where}: comparator {r['comparator']!r}")
            if not re.fullmatch(r"\d{4}", r["set_year"]) or pub.year < int(r["set_year"]):
                problems.append(f"{where}: set_year {r['set_year']!r} vs published {pub}")
        else:
            if not re.fullmatch(r"\d{4}", r["year"]):
                problems.append(f"{where}: year {r['year']!r}")
            elif pub.year < int(r["year"]):
                problems.append(f"{where}: published {pub} before the year {r['year']} it describes")
            if r["status"] not in ("reported", "preliminary", "derived"):
                problems.append(f"{where}: status {r['status']!r}")
            if (r["status"] == "derived") != bool(r["derivation"]):
                problems.append(f"{where}: derived/derivation mismatch")
            key = (r["region"], r["indicator"], r["year"], r["publisher"], r["document"])
            if key in seen and seen[key] != r["value"]:
                problems.append(f"{where}: duplicate {key} with values {seen[key]} and {r['value']}")
            seen.setdefault(key, r["value"])
    return problems


# =============================================================================
# writing (the only part that touches data/raw)
# =============================================================================

def csv_bytes(rows: list[dict], columns: list[str]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="raise")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in columns})
    return buf.getvalue().encode("utf-8")


def plan_outputs() -> dict[str, bytes]:
    text = PLAN_SEED.read_bytes()
    return {"documents/taicang_14th_st_plan.txt": text,
            "documents/taicang_14th_st_plan.meta.toml": plan_meta(text).encode("utf-8")}


def build() -> tuple[dict[str, bytes], Ledger, list[str]]:
    ledger = Ledger()
    files: dict[str, tuple[list[dict], list[str], bool]] = {}

    def rd(rel: str):
        rows = read_csv(DATA / rel)
        ledger.read[rel] = len(rows)
        return rows

    obs, targets_rs = convert_regional(rd("regional_sources.csv"), ledger)
    groups = {
        "observations/taicang.csv": {"Taicang", "Taicang High-tech Zone (sub-area)"},
        "observations/comparators_suzhou_county_cities.csv":
            {"Suzhou", "Suzhou Industrial Park (sub-area)", "Kunshan", "Changshu", "Zhangjiagang"},
        "observations/jiangsu_china.csv": {"Sunan (5 cities)", "Jiangsu", "Yangtze River Delta", "China"},
    }
    placed = 0
    for name, regions in groups.items():
        rows = [r for r in obs if r["region"] in regions]
        placed += len(rows)
        files[name] = (rows, OBS_COLUMNS, False)
    if placed != len(obs):
        raise ValueError("a regional_sources row has a region of no output file")
    files["observations/cn_points_published.csv"] = (
        convert_cn_points(rd("reference/cn_points_published.csv"), ledger), OBS_COLUMNS, False)
    files["reference/cn_provinces/cn_province_rd.csv"] = (
        convert_provinces(rd("reference/cn_province_rd.csv"), ledger, kind="rd", fname="cn_province_rd.csv"),
        OBS_COLUMNS, False)
    files["reference/cn_provinces/cn_province_valid_patents.csv"] = (
        convert_provinces(rd("reference/cn_province_valid_patents.csv"), ledger, kind="patents",
                          fname="cn_province_valid_patents.csv"), OBS_COLUMNS, False)
    files["reference/world/wb_gerd.csv"] = (convert_wb(rd("reference/wb_gerd.csv"), ledger),
                                            OBS_COLUMNS[:-1] + ["region_code", "source_ref"], False)
    files["reference/world/eu_gerd_vintage_2006.csv"] = (
        convert_eu(rd("reference/eu_gerd_vintage_2006.csv"), ledger), OBS_COLUMNS, False)
    files["targets/past_targets.csv"] = (convert_targets(rd("past_targets.csv"), ledger) + targets_rs,
                                         TARGET_COLUMNS, True)

    problems: list[str] = []
    out: dict[str, bytes] = plan_outputs()
    for name, (rows, columns, is_target) in files.items():
        problems += validate(name, rows, target=is_target)
        out[name] = csv_bytes(rows, columns)
        ledger.written[name] = len(rows)

    # every input row is written or listed as not carried
    total_read = sum(ledger.read.values())
    total_out = sum(ledger.written.values()) + len(ledger.not_carried)
    if total_read != total_out:
        problems.append(f"rows read {total_read} != rows written + not carried {total_out}")
    if len(ledger.not_carried) != len(NOT_CARRIED):
        problems.append("NOT_CARRIED entries and rows left out disagree")
    return out, ledger, problems


def write(outputs: dict[str, bytes], *, dry_run: bool) -> list[tuple[str, str]]:
    """Write every file, or none: refuse when any existing file differs."""
    plan = []
    conflicts = []
    for rel, data in outputs.items():
        path = RAW / rel
        if path.exists():
            if path.read_bytes() == data:
                plan.append((rel, "unchanged"))
            else:
                conflicts.append(rel)
        else:
            plan.append((rel, "new"))
    if conflicts:
        raise SystemExit("refusing to overwrite data/raw files whose content differs (data/raw is "
                         "append-only): " + ", ".join(conflicts))
    if not dry_run:
        for rel, state in plan:
            if state == "new":
                path = RAW / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(path.suffix + ".tmp")
                tmp.write_bytes(outputs[rel])
                tmp.replace(path)
    return plan


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dry-run", action="store_true", help="build and validate, write nothing")
    args = ap.parse_args(argv)
    outputs, ledger, problems = build()
    if problems:
        print(f"error: {len(problems)} problem(s)", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 2
    plan = write(outputs, dry_run=args.dry_run)
    print("rows read:")
    for k, v in ledger.read.items():
        print(f"  {v:5d}  shared/data/{k}")
    print("rows written:" + (" (dry run: nothing written)" if args.dry_run else ""))
    for k, v in ledger.written.items():
        print(f"  {v:5d}  data/raw/{k}")
    print("files:")
    for rel, state in plan:
        print(f"  {state:9s} data/raw/{rel}")
    print(f"rows not carried: {len(ledger.not_carried)}")
    for ref, why in ledger.not_carried:
        print(f"  {ref}: {why}")
    print(f"total: read {sum(ledger.read.values())} = written {sum(ledger.written.values())} "
          f"+ not carried {len(ledger.not_carried)}")
    print("judgement calls:")
    for call in JUDGEMENT_CALLS:
        print(f"  - {call}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
