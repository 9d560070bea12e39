"""The chart of scripts/bench (bench/results.svg): one panel per measured
comparison, a horizontal bar per tool, dbinit highlighted.

Each panel has its own logarithmic axis: within a panel the tools differ by
up to two orders of magnitude (0.03 MiB against 29 MiB), which a linear
axis would flatten to nothing; across panels the units differ. Every bar is
labelled with its figure, as printed in results.md, and the others with
their ratio to dbinit's, which a log axis does not show by length.
"""
import pathlib
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")  # no display; before pyplot is imported
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

# dbinit stands out; the floors (the least a client can do) are a reference,
# neither dbinit nor an alternative.
COLORS = {"ours": "#d9480f", "floor": "#4dabf7", "other": "#868e96"}
BAR_HEIGHT_IN = 0.32
PANEL_EXTRA_IN = 0.75  # title and axis of each panel


@dataclass
class Bar:
    label: str
    value: float  # in the panel's unit, > 0
    text: str  # the figure as results.md prints it
    role: str = "other"  # a key of COLORS


@dataclass
class Panel:
    title: str
    unit: str  # of the axis
    bars: list = field(default_factory=list)

    def add(self, label: str, value: float, text: str, role: str = "other") -> None:
        self.bars.append(Bar(label, value, text, role))


def write_svg(panels, path: pathlib.Path, title: str) -> None:
    """Writes the panels, top to bottom, as one SVG; the same input gives the same file."""
    panels = [panel for panel in panels if panel.bars]
    # Deterministic output: fixed ids (hash salt), no creation date, text as text.
    plt.rcParams.update({"svg.hashsalt": "dbinit-bench", "svg.fonttype": "none", "font.size": 9})
    heights = [len(panel.bars) * BAR_HEIGHT_IN + PANEL_EXTRA_IN for panel in panels]
    # Constrained layout leaves room for the title and the longest label (tight_layout overlaps the title).
    figure, axes = plt.subplots(len(panels), 1, figsize=(9, sum(heights) + 0.6), layout="constrained",
                                gridspec_kw={"height_ratios": heights}, squeeze=False)
    for axis, panel in zip(axes[:, 0], panels):
        draw_panel(axis, panel)
    figure.suptitle(title, fontsize=11, fontweight="bold")
    figure.savefig(path, format="svg", metadata={"Date": None})
    plt.close(figure)


def times(factor: float) -> str:
    """A ratio with two significant digits or so: 0.0044×, 0.99×, 1.1×, 12×."""
    if factor >= 10:
        return f"{factor:.0f}×"
    if factor >= 1:
        return f"{factor:.1f}×"
    return f"{factor:.2f}×" if factor >= 0.1 else f"{factor:.2g}×"


def draw_panel(axis, panel: Panel) -> None:
    bars = list(reversed(panel.bars))  # barh draws bottom-up; the first bar goes on top
    values = [max(bar.value, 1e-9) for bar in bars]
    low, high = min(values), max(values)
    ours = next((bar.value for bar in bars if bar.role == "ours"), None)
    # Room on the left for the shortest bar to show, on the right for its label (and ratio).
    left, right = low / 3, high * (16 if ours else 5)
    positions = range(len(bars))
    axis.barh(positions, [value - left for value in values], left=left, height=0.6,
              color=[COLORS[bar.role] for bar in bars])
    axis.set_xscale("log")
    axis.set_xlim(left, right)
    axis.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_yticks(list(positions), [bar.label for bar in bars])
    for tick, bar in zip(axis.get_yticklabels(), bars):
        if bar.role == "ours":
            tick.set_fontweight("bold")
            tick.set_color(COLORS["ours"])
    for position, value, bar in zip(positions, values, bars):
        text = bar.text if bar.role == "ours" or not ours else f"{bar.text}  ({times(bar.value / ours)} dbinit)"
        axis.text(value * 1.08, position, text, va="center", fontsize=8,
                  fontweight="bold" if bar.role == "ours" else "normal")
    axis.set_title(panel.title, loc="left", fontsize=9.5, fontweight="bold")
    axis.set_xlabel(f"{panel.unit} (log scale)", fontsize=8)
    axis.tick_params(axis="x", labelsize=7)
    for side in ("top", "right"):
        axis.spines[side].set_visible(False)
