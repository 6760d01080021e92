"""Figure style: a CJK font for Chinese labels, colours, integer year ticks.

Chinese names (全社会研发经费支出占地区生产总值比重) render as boxes with a
"Glyph ... missing" warning unless a CJK font is used.  `figure_style` picks
"Noto Sans CJK SC" (Debian ``fonts-noto-cjk``) when matplotlib can find it and
applies it only inside a ``with`` block (the keys it sets are restored on exit):
importing this module changes nothing global.

The family is set by *name* (not via the generic ``sans-serif`` list) so text
created inside the block keeps the CJK font when the figure is drawn later,
outside it -- which is what Jupyter's inline backend does after a cell ends.
"""

from __future__ import annotations

import contextlib
import functools

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.ticker import MaxNLocator

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC",
             "WenQuanYi Zen Hei", "SimHei")
LATIN_FALLBACK = "DejaVu Sans"

OBSERVED = "#1f4e79"  # published values: dark blue dots
PROJECTED = "#c55a11"  # projection: orange fan, dashed median
TARGET = "#2e7d32"  # target: green star and dotted level
OUTSIDE = "#6a3d9a"  # the stated outside view: purple dash-dot median, dotted 80 % band
STATUS_COLOURS = {  # coverage heatmap cells, from strongest to weakest evidence
    "reported": "#1f4e79", "preliminary": "#6fa8dc", "derived": "#b4a7d6",
    "lower bound": "#f6b26b", "about": "#ffe599", "no value": "#f3f3f3",
}
TRAFFIC_LIGHT = {"green": "#2e7d32", "amber": "#f1a208", "red": "#c62828", "grey": "#9e9e9e"}


def _installed() -> set[str]:
    return {f.name for f in font_manager.fontManager.ttflist}


@functools.cache
def cjk_font() -> str | None:
    """The first CJK font matplotlib can find, or None (Chinese then renders as boxes).

    matplotlib's font list is cached on disk the first time it runs; fonts
    installed after that (``apt-get install fonts-noto-cjk``) are missing from
    it.  Then the system's CJK font files are registered with the font manager
    (``addfont`` registers every face of a ``.ttc``: SC, TC, JP, ...).
    """
    found = next((name for name in CJK_FONTS if name in _installed()), None)
    if found is None:
        files = sorted((p for p in font_manager.findSystemFonts() if "CJK" in p and "Sans" in p),
                       key=lambda p: ("Bold" in p, p))
        for path in files:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # an unreadable font file: skip it
                continue
        found = next((name for name in CJK_FONTS if name in _installed()), None)
    return found


def font_family() -> list[str]:
    """Font family list: the CJK font first (it has Latin glyphs too), then matplotlib's default."""
    font = cjk_font()
    return [font, LATIN_FALLBACK] if font else [LATIN_FALLBACK]


def rc() -> dict:
    """The rcParams every figure of this package is drawn with."""
    return {
        "font.family": font_family(),
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
        "figure.dpi": 100,
    }


@contextlib.contextmanager
def figure_style():
    """``with figure_style(): ...`` -- draw with the CJK font and house style, restore afterwards.

    Like ``matplotlib.rc_context`` but restores only the keys it sets: the
    first figure of a Jupyter session resolves the backend inside this block,
    and the inline backend switches on interactive mode then; restoring *every*
    key (as ``rc_context`` does) would switch it off again, and later figures
    would no longer be shown.
    """
    settings = rc()
    saved = {key: mpl.rcParams[key] for key in settings}
    mpl.rcParams.update(settings)
    try:
        yield
    finally:
        mpl.rcParams.update(saved)


def styled(fn):
    """Decorator: run a figure function inside `figure_style`."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with figure_style():
            return fn(*args, **kwargs)
    return wrapper


def integer_years(ax, axis: str = "x") -> None:
    """Year ticks at whole years only (matplotlib's default shows 2017.5, 2022.5, ...)."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(MaxNLocator(integer=True))
