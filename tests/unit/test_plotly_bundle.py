"""The partial Plotly bundle the pages and embeds load (assets/vendor/plotly, web/delivery.py)
must be the plotly.js the Python package writes figures for, and hold every trace type that
figures/ draws: a chart of a missing type would draw nothing, with only a console error."""

from __future__ import annotations

import re
from pathlib import Path

from plotly.offline import get_plotlyjs_version

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "assets" / "vendor" / "plotly" / "plotly.min.js"
ENTRY = ROOT / "assets" / "vendor" / "plotly" / "entry.js"
IN_CORE = {"scatter"}  # plotly.js/lib/core registers scatter itself
NOT_TRACES = {"figure", "layout"}


def _traces_drawn() -> set[str]:
    source = "\n".join(path.read_text() for path in (ROOT / "figures").rglob("*.py"))
    classes = {name.lower() for name in re.findall(r"\bgo\.([A-Z][A-Za-z]+)\(", source)}
    added = set(re.findall(r"\.add_([a-z]+)\(", source)) - {"annotation", "hline", "vline"}
    return (classes | added) - NOT_TRACES - {"trace", "shape"}


def test_the_bundle_is_the_plotly_js_the_python_package_writes_for() -> None:
    banner = BUNDLE.read_text(encoding="utf-8")[:200]
    assert f"plotly.js v{get_plotlyjs_version()} " in banner, banner
    assert BUNDLE.with_name("plotly.min.js.br").stat().st_size < BUNDLE.stat().st_size / 3


def test_the_bundle_registers_every_trace_type_figures_draws() -> None:
    registered = set(re.findall(r"require\('plotly\.js/lib/([a-z0-9]+)'\)", ENTRY.read_text()))
    drawn = _traces_drawn()
    assert {"bar", "heatmap", "sankey", "scatter"} <= drawn | IN_CORE
    assert drawn - IN_CORE <= registered, f"rebuild assets/vendor/plotly with {drawn - registered}"
