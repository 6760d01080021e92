"""The brief in a real browser: headless Chromium opens index.html, finds the headline table and the
figures, renders Chinese with a CJK font (not as boxes), takes a screenshot and prints brief.pdf."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from taicang_analysis.assessment import plans
from taicang_analysis.brief import io as brief_io
from taicang_analysis.brief import render, runner
from taicang_analysis.data import io as data_io

from test_brief_runner import NOTEBOOKS

pytestmark = pytest.mark.skipif(brief_io.chromium() is None,
                                reason="chromium is not on PATH (Debian: apt-get install chromium fonts-noto-cjk; "
                                       "CI installs it)")


@pytest.fixture(scope="module")
def brief(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports") / "2024-06-30"
    with ThreadPoolExecutor(2) as pool:
        return runner.run_brief(as_of="2024-06-30", out_dir=out, notebooks=[NOTEBOOKS / "ok.ipynb",
                                                                            NOTEBOOKS / "fails.ipynb"],
                                timeout=60, progress=False, executor=pool,
                                headline_options={"draws": 1000, "calibration": "none"})


def _dom(path) -> str:
    done = brief_io.run_chromium(["--dump-dom", "--virtual-time-budget=3000", path.resolve().as_uri()])
    assert done.returncode == 0, done.stderr[-1000:]
    return done.stdout


def test_the_browser_shows_the_headline_table_and_the_figures(brief):
    dom = _dom(brief.out_dir / "index.html")
    table = dom[dom.index('id="headline"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r'<tr data-indicator="([^"]+)"', table)
    targets = data_io.read_processed("targets.csv")
    assert rows == list(plans.plan_targets(targets, target_year=2025)["indicator"])
    assert "全社会研发经费支出占地区生产总值比重" in table and "R&amp;D expenditure as % of GDP" in table
    assert re.search(r'<img [^>]*src="data:image/png;base64,', dom)
    assert 'data-notebook="fails" data-status="failed"' in dom


def test_chinese_renders_with_a_cjk_font_not_as_boxes(tmp_path):
    # Two different Han characters drawn in the brief's font stack must differ (a missing font draws the
    # same empty box for both) and must leave ink.
    page = tmp_path / "glyphs.html"
    page.write_text(f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>{render.STYLE}</style></head>
<body><p id="out">pending</p><script>
const font = getComputedStyle(document.body).fontFamily;
function draw(ch) {{ const c = document.createElement('canvas'); c.width = c.height = 48;
  const x = c.getContext('2d'); x.font = '32px ' + font; x.fillText(ch, 4, 36); return c.toDataURL(); }}
const a = draw('太'), b = draw('仓'), blank = draw(' ');
document.getElementById('out').textContent = JSON.stringify({{distinct: a !== b, inked: a !== blank}});
</script></body></html>""", encoding="utf-8")
    dom = _dom(page)
    result = json.loads(re.search(r'<p id="out">(.*?)</p>', dom).group(1).replace("&quot;", '"'))
    assert result == {"distinct": True, "inked": True}


def test_a_screenshot_of_the_index_and_the_pdf(brief, tmp_path):
    shot = tmp_path / "index.png"
    done = brief_io.run_chromium([f"--screenshot={shot}", "--window-size=1100,1600",
                                  (brief.out_dir / "index.html").resolve().as_uri()])
    assert done.returncode == 0 and shot.is_file() and shot.stat().st_size > 20_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = brief.out_dir / "brief.pdf"
    assert brief.pdf["written"] and pdf.read_bytes()[:5] == b"%PDF-"
    assert 'href="brief.pdf"' in (brief.out_dir / "index.html").read_text(encoding="utf-8")
