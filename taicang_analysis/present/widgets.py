"""Live what-if sliders for a ratio target (JupyterLab), wired here so a test can drive them.

`scenario_explorer` returns a `ScenarioExplorer`: ``.box`` (the widgets to
display), the two sliders, ``.summary`` (an HTML line: the value in the target
year, P(met) on the path, the numerator growth the target needs at the chosen
denominator growth) and ``.figure`` (an Image widget holding the fan with the
path).  Moving a slider calls ``update``, which recomputes the scenario with
`assessment.scenarios` and redraws; ``update`` can be called directly too
(papermill and tests).  Nothing is displayed on import.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt

from ..assessment import scenarios
from ..data import registry
from . import figures


@dataclass(eq=False)
class ScenarioExplorer:
    assessment: object
    numerator: widgets.FloatSlider
    denominator: widgets.FloatSlider
    summary: widgets.HTML
    figure: widgets.Image
    box: widgets.VBox
    last: scenarios.Scenario | None = None

    def update(self, numerator_growth: float | None = None, denominator_growth: float | None = None):
        """Set the sliders (if given), recompute the scenario, refresh the text and the figure."""
        moved = False
        for slider, value in ((self.numerator, numerator_growth), (self.denominator, denominator_growth)):
            if value is not None and value != slider.value:
                slider.value = value  # the slider's observer refreshes
                moved = True
        return self.last if moved else self._refresh()

    def _refresh(self, _change=None):
        a = self.assessment
        s = scenarios.scenario(a, numerator_growth=self.numerator.value, denominator_growth=self.denominator.value)
        self.last = s
        self.summary.value = summary_text(a, s)
        ax = figures.plot_scenario(a, s)
        buffer = io.BytesIO()
        ax.figure.savefig(buffer, format="png", dpi=90)
        plt.close(ax.figure)
        self.figure.value = buffer.getvalue()
        return s


def summary_text(a, s) -> str:
    """One line: the path's value in the target year, P(met) on it, and the numerator growth the target needs."""
    a, s = getattr(a, "assessment", a), getattr(s, "scenario", s)
    num, den, _ = scenarios.DECOMPOSITIONS[a.indicator]
    unit = registry.get(a.indicator).unit
    latest = float(a.observations.iloc[-1])
    years = a.target.year - int(a.observations.index[-1])
    needed = scenarios.required_numerator_growth((a.target.value / latest) ** (1 / years) - 1, s.denominator_growth)
    p = "—" if s.probability is None else f"{s.probability:.0%}"
    return (f"{a.target.year}: {s.value_in_target_year:.2f} {unit} on this path (target {a.target.value:g}); "
            f"P(met) {p}; at {s.denominator_growth:.1%}/yr {den} growth the target needs {num} "
            f"to grow {needed:.2%}/yr")


def _growth_label(indicator: str) -> str:
    """The slider's label: the component's names (registry), not its id."""
    ind = registry.get(indicator)
    return f"{ind.name_zh} {ind.name_en}: growth/yr"


def scenario_explorer(a, *, numerator_growth: float, denominator_growth: float) -> ScenarioExplorer:
    """Sliders for the numerator's and the denominator's growth of a ratio target, already computed once.

    ``a``: an `Assessment` or a front-door result (``ta.Study().assess(...)``).
    """
    a = getattr(a, "assessment", a)
    if a.indicator not in scenarios.DECOMPOSITIONS:
        raise ValueError(f"{a.indicator} is not a ratio with published components; scenarios exist for "
                         f"{', '.join(scenarios.DECOMPOSITIONS)}")
    num, den, _ = scenarios.DECOMPOSITIONS[a.indicator]
    style = {"description_width": "22em"}
    layout = widgets.Layout(width="60em")  # a track long enough that a drag moves by tenths of a point
    numerator = widgets.FloatSlider(value=numerator_growth, min=-0.10, max=0.30, step=0.005, readout_format=".1%",
                                    description=_growth_label(num), style=style, layout=layout,
                                    continuous_update=False)
    denominator = widgets.FloatSlider(value=denominator_growth, min=-0.05, max=0.15, step=0.005,
                                      readout_format=".1%", description=_growth_label(den), style=style,
                                      layout=layout, continuous_update=False)
    summary, image = widgets.HTML(), widgets.Image(format="png")
    explorer = ScenarioExplorer(a, numerator, denominator, summary, image,
                                widgets.VBox([numerator, denominator, summary, image]))
    numerator.observe(explorer._refresh, names="value")
    denominator.observe(explorer._refresh, names="value")
    explorer._refresh()
    return explorer
