"""The first view of a public page, drawn on the server: the page's own layout, with the
callbacks that fill it at start-up run here instead of in the browser, written out as HTML
(``components.static_html``) with the charts as SVG.

Why: Dash draws nothing until its scripts have run, and on a phone those scripts (React, the
renderer, Plotly) take seconds of processor time. With this, a visitor reads the figures at
once; the interactive page is fetched when they reach for a control, or straight away on a
wide screen (``assets/first_view.js``). ``web.first_view`` decides when a visitor gets it and
draws the charts; app.py joins the two.

Only callbacks that Dash itself would run when the page opens are run: every input present in
the layout, no pattern-matching ids, not ``prevent_initial_call``, not client-side. The
client-side ones are replaced by what they compute from the layout (the filter state). A
callback that fails here is skipped (its part stays as the layout has it) and logged; the
interactive page still runs it.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator, Mapping
from typing import Any, cast
from urllib.parse import urlencode

import dash
from dash import html
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate
from flask import request

from components import ids
from components.static_html import GraphDrawer, StaticHtml
from figures.charts import REGISTRY

logger = logging.getLogger(__name__)

PAGES_CONTENT = "_pages_content"
FILTER_TYPES = ("filter", "filter-text")

Pair = tuple[str, str]
# What each chart's picture shows, for screen readers (the card's title and description).
GRAPH_LABELS = {
    ids.chart_part(chart.chart_id, "graph"): f"{chart.title}. {chart.description}"
    for chart in REGISTRY.values()
}


def components_in(node: Any) -> Iterator[Component]:
    """Every component of a layout tree, depth first."""
    if isinstance(node, Component):
        yield node
        for name in ("children", "label"):
            yield from components_in(getattr(node, name, None))
    elif isinstance(node, list | tuple):
        for child in node:
            yield from components_in(child)


def _by_id(tree: Component) -> dict[str, Component]:
    return {c.id: c for c in components_in(tree) if isinstance(getattr(c, "id", None), str)}


def output_pairs(spec: str) -> list[Pair]:
    """Dash's output key (``id.prop`` or ``..a.x...b.y..``) as (id, property) pairs. A callback
    with no output has a name with no property: it sets nothing."""
    names = spec[2:-2].split("...") if spec.startswith("..") else [spec]
    return [(name.rsplit(".", 1)[0], name.rsplit(".", 1)[1]) for name in names if "." in name]


def _filter_state(tree: Component) -> dict[str, Any]:
    """What the client-side ``collectFilters`` makes of the filter bar: name -> value."""
    state: dict[str, Any] = {}
    for component in components_in(tree):
        control = getattr(component, "id", None)
        if isinstance(control, dict) and control.get("type") in FILTER_TYPES:
            state[control["name"]] = getattr(component, "value", None)
    return state


def _initial_call_context(
    spec: Mapping[str, Any], values: list[Any], outputs: list[Pair]
) -> AttributeDict:
    """What ``dash.ctx`` holds in a callback Dash runs as a page opens: nothing triggered it."""
    wanted = [*spec["inputs"], *spec["state"]]
    listed = [{**d, "value": v} for d, v in zip(wanted, values, strict=True)]
    inputs, states = listed[: len(spec["inputs"])], listed[len(spec["inputs"]) :]
    return AttributeDict(
        inputs_list=inputs,
        states_list=states,
        outputs_list=[{"id": i, "property": p} for i, p in outputs],
        input_values={f"{d['id']}.{d['property']}": d["value"] for d in inputs},
        state_values={f"{d['id']}.{d['property']}": d["value"] for d in states},
        triggered_inputs=[],
        cookies=dict(request.cookies),
        headers=dict(request.headers),
        args=request.args,
        path=request.full_path,
        updated_props={},
    )


class FirstView:
    """Runs a page's start-up callbacks on a copy of its layout and writes it as HTML."""

    def __init__(self, app: dash.Dash) -> None:
        self.app = app

    def _runnable(self) -> list[dict[str, Any]]:
        specs = []
        for spec in self.app._callback_list:
            named = [d["id"] for d in (*spec["inputs"], *spec["state"])]
            if (
                spec.get("clientside_function")
                or spec.get("prevent_initial_call")
                or spec["output"].startswith(("_pages", ".._pages"))
                or any(i.startswith("{") for i in named)
                or any(i.startswith("{") for i, _ in output_pairs(spec["output"]))
            ):
                continue
            specs.append(spec)
        return specs

    def _run(self, tree: Component, known: Mapping[Pair, Any]) -> None:
        specs = self._runnable()
        done: set[int] = set()
        while True:
            found = _by_id(tree)
            waiting = {
                pair
                for i, s in enumerate(specs)
                if i not in done
                for pair in output_pairs(s["output"])
            }
            ran = False
            for index, spec in enumerate(specs):
                if index in done:
                    continue
                wanted = [(d["id"], d["property"]) for d in (*spec["inputs"], *spec["state"])]
                outputs = output_pairs(spec["output"])
                present = all(i in found or (i, p) in known for i, p in wanted)
                if not present or any(p in waiting and p not in outputs for p in wanted):
                    continue
                if not all(i in found for i, _ in outputs):
                    done.add(index)
                    continue
                done.add(index)
                ran = True
                values = [
                    known[p] if p in known else getattr(found[p[0]], p[1], None) for p in wanted
                ]
                self._apply(spec, values, outputs, found)
                break
            if not ran:
                return

    def _call(self, spec: Mapping[str, Any], values: list[Any], outputs: list[Pair]) -> list[Any]:
        """The callback's answer, one value per output; empty if it declined or failed (so
        its outputs are zipped with ``strict=False``: nothing to set)."""
        function = self.app.callback_map[spec["output"]]["callback"].__wrapped__
        token = context_value.set(_initial_call_context(spec, values, outputs))
        try:
            result = function(*values)
        except PreventUpdate:
            return []
        except Exception:
            logger.warning(
                "first view: callback for %s failed; left as laid out",
                spec["output"],
                exc_info=True,
            )
            return []
        finally:
            context_value.reset(token)
        return list(result) if spec["output"].startswith("..") else [result]

    def _apply(
        self,
        spec: Mapping[str, Any],
        values: list[Any],
        outputs: list[Pair],
        found: Mapping[str, Component],
    ) -> None:
        for (component_id, prop), value in zip(
            outputs, self._call(spec, values, outputs), strict=False
        ):
            if value is not dash.no_update:
                setattr(found[component_id], prop, value)

    def _phone_forms(self, tree: Component, known: Mapping[Pair, Any]) -> dict[str, Any]:
        """Graph id -> the figure its callback draws for a phone, for the charts that have one
        (figures.registry's ``narrow_build``: the Sankeys as ranked bars)."""
        found = _by_id(tree)
        narrow = {**known, (ids.VIEWPORT_STORE, "data"): "narrow"}
        forms: dict[str, Any] = {}
        for spec in self._runnable():
            wanted = [(d["id"], d["property"]) for d in (*spec["inputs"], *spec["state"])]
            outputs = output_pairs(spec["output"])
            if (ids.VIEWPORT_STORE, "data") not in wanted or not all(
                i in found for i, _ in outputs
            ):
                continue
            values = [
                narrow[p] if p in narrow else getattr(found[p[0]], p[1], None) for p in wanted
            ]
            for (component_id, prop), value in zip(
                outputs, self._call(spec, values, outputs), strict=False
            ):
                if prop == "figure" and value:
                    forms[component_id] = value
        return forms

    def tree(self, path: str, query: Mapping[str, str]) -> tuple[Component, dict[str, Any]] | None:
        """The page at ``path`` with ``query``, filled as it would be when it opens, and the
        phone forms of its charts that have one."""
        page = next((p for p in dash.page_registry.values() if p["path"] == path), None)
        if page is None:
            return None
        layout = page["layout"]
        content = layout(**query) if callable(layout) else copy.deepcopy(layout)
        frame = copy.deepcopy(self.app.layout() if callable(self.app.layout) else self.app.layout)
        slot = _by_id(frame).get(PAGES_CONTENT)
        if slot is None:
            return None
        slot.children = [interactive_notice(), content]
        search = f"?{urlencode(query)}" if query else ""
        known: dict[Pair, Any] = {
            (ids.URL, "pathname"): path,
            (ids.URL, "search"): search,
            (ids.FILTER_STATE, "data"): _filter_state(frame),
            (ids.THEME_STORE, "data"): "light",
            (ids.VIEWPORT_STORE, "data"): "wide",
        }
        self._run(frame, known)
        return cast(Component, frame), self._phone_forms(frame, known)

    def html(self, path: str, query: Mapping[str, str], draw_graph: GraphDrawer) -> str | None:
        """The page as HTML, its graphs drawn by ``draw_graph``; None where it has none."""
        drawn = self.tree(path, query)
        if drawn is None:
            return None
        tree, phone_forms = drawn
        return StaticHtml(draw_graph, path, GRAPH_LABELS, phone_forms).write(tree)


def interactive_notice() -> html.Div:
    """Says that the charts are pictures until the interactive page is loaded, with the button
    that loads it (``assets/first_view.js``)."""
    return html.Div(
        [
            html.Span("Charts are shown as pictures. ", className="me-1"),
            html.Button(
                "Use the interactive page",
                type="button",
                className="btn btn-link btn-sm p-0 align-baseline",
                **{"data-load-app": "true"},  # type: ignore[arg-type]
            ),
            html.Span(" to filter, zoom and sort.", className="ms-1"),
        ],
        className="first-view-notice small text-body-secondary mb-3",
        role="note",
    )
