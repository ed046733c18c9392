"""A Dash component tree written out as plain HTML, for the first view the server sends before
(or instead of) Dash's scripts.

The rule: the HTML carries the same elements, ids and Bootstrap classes that Dash would draw, so
the page looks the same whether or not the scripts have run, and nothing shifts when they do.
What needs Dash to work (a dropdown, a button without an address, a switch) is written as its
closest plain element marked ``data-needs-app``, and ``assets/first_view.js`` fetches the
interactive page when a visitor reaches for one. Graphs are drawn by the caller
(``draw_graph``: figure and its phone form -> SVG markup), so this module does no input or
output.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from dash.development.base_component import Component
from markupsafe import Markup, escape

from components.ids import dom_id

# (figure, its phone form or None) -> SVG markup, or None where it cannot be drawn
GraphDrawer = Callable[[Mapping[str, Any], Mapping[str, Any] | None], str | None]

VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "col", "wbr", "source"})
# Dash props that are not HTML attributes, or that the first view writes itself.
NOT_ATTRIBUTES = frozenset(
    {
        "children",
        "className",
        "class_name",
        "style",
        "id",
        "n_clicks",
        "n_clicks_timestamp",
        "disable_n_clicks",
        "loading_state",
        "persistence",
        "persisted_props",
        "persistence_type",
        "key",
        "setProps",
    }
)
RENAMED = {
    "htmlFor": "for",
    "tabIndex": "tabindex",
    "colSpan": "colspan",
    "rowSpan": "rowspan",
    "dateTime": "datetime",
    "accessKey": "accesskey",
    "contentEditable": "contenteditable",
    "spellCheck": "spellcheck",
    "encType": "enctype",
    "noValidate": "novalidate",
    "autoComplete": "autocomplete",
    "readOnly": "readonly",
    "maxLength": "maxlength",
}
NEEDS_APP = {"data-needs-app": "true"}


def _css(style: Mapping[str, Any]) -> str:
    def name(key: str) -> str:
        return re.sub(r"(?<!^)([A-Z])", lambda m: "-" + m.group(1).lower(), key)

    return "; ".join(f"{name(k)}: {v}" for k, v in style.items() if v is not None)


def _attributes(attributes: Mapping[str, Any]) -> str:
    parts = []
    for key, value in attributes.items():
        if value is None or value is False or value == "":
            continue
        if value is True:
            parts.append(f" {key}")
        else:
            parts.append(f' {key}="{escape(str(value))}"')
    return "".join(parts)


def _element(tag: str, attributes: Mapping[str, Any], inner: str = "") -> str:
    if tag in VOID:
        return f"<{tag}{_attributes(attributes)}>"
    return f"<{tag}{_attributes(attributes)}>{inner}</{tag}>"


def _classes(*names: Any) -> str | None:
    joined = " ".join(str(n) for n in names if n)
    return joined or None


class StaticHtml:
    """Writes one component tree; ``draw_graph`` turns a figure into SVG markup (or None)."""

    def __init__(
        self,
        draw_graph: GraphDrawer,
        path: str = "/",
        labels: Mapping[str, str] | None = None,
        phone_forms: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.draw_graph = draw_graph
        self.path = path
        self.labels = labels or {}  # graph id -> what the picture shows, for screen readers
        self.phone_forms = phone_forms or {}  # graph id -> the figure drawn for a phone

    def write(self, node: Any) -> str:
        if node is None or node is False:
            return ""
        if isinstance(node, Component):
            return self._component(node)
        if isinstance(node, list | tuple):
            return "".join(self.write(child) for child in node)
        if isinstance(node, Markup):
            return str(node)
        return str(escape(str(node)))

    # The props every element shares: id (a dict id as Dash writes it, which labels point at),
    # class and style.
    def _common(self, props: Mapping[str, Any], *classes: Any) -> dict[str, Any]:
        component_id = props.get("id")
        return {
            "id": dom_id(component_id) if isinstance(component_id, dict) else component_id,
            "class": _classes(*classes, props.get("className"), props.get("class_name")),
            "style": _css(props["style"]) if props.get("style") else None,
        }

    def _component(self, component: Component) -> str:
        # Set props only, data-* and aria-* included (they are not among _prop_names).
        props = {k: v for k, v in component.to_plotly_json()["props"].items() if v is not None}
        namespace, kind = component._namespace, component._type
        if namespace == "dash_html_components":
            return self._html(kind.lower(), props)
        writer = getattr(self, f"_{namespace}_{kind}", None)
        if writer is None:
            # Stores, locations, timers, tooltips, modals, downloads: nothing to see at first.
            return ""
        return str(writer(props))

    def _html(self, tag: str, props: Mapping[str, Any]) -> str:
        attributes = self._common(props)
        for name, value in props.items():
            if name in NOT_ATTRIBUTES or isinstance(value, dict | list):
                continue
            attributes[RENAMED.get(name, name)] = value
        if tag == "button" and "type" not in attributes:
            attributes.update(type="button", **NEEDS_APP)
        return _element(tag, attributes, self.write(props.get("children")))

    # dash_core_components
    def _dash_core_components_Link(self, props: Mapping[str, Any]) -> str:
        attributes = {**self._common(props), "href": props.get("href"), "title": props.get("title")}
        return _element("a", attributes, self.write(props.get("children")))

    def _dash_core_components_Loading(self, props: Mapping[str, Any]) -> str:
        return self.write(props.get("children"))

    def _dash_core_components_Graph(self, props: Mapping[str, Any]) -> str:
        figure = props.get("figure")
        if hasattr(figure, "to_plotly_json"):
            figure = figure.to_plotly_json()
        phone = self.phone_forms.get(str(props.get("id")))
        drawn = self.draw_graph(figure, phone) if figure and figure.get("data") else None
        attributes = self._common(props, "first-view-graph" if drawn else None)
        title = ((figure or {}).get("layout") or {}).get("title") or {}
        label = (
            props.get("aria-label")
            or self.labels.get(str(attributes["id"]))
            or (title.get("text") if isinstance(title, Mapping) else title)
        )
        if drawn and label:
            attributes.update({"role": "img", "aria-label": label})
        return _element("div", attributes, drawn or "")

    def _dash_core_components_Clipboard(self, props: Mapping[str, Any]) -> str:
        attributes = {
            **self._common(props),
            "type": "button",
            "title": props.get("title"),
            "aria-label": props.get("title"),
            **NEEDS_APP,
        }
        return _element("button", attributes, "⧉")

    def _dash_core_components_Dropdown(self, props: Mapping[str, Any]) -> str:
        return self._select(props, "first-view-select form-select")

    def _dash_core_components_Input(self, props: Mapping[str, Any]) -> str:
        return self._input(props, None)

    # dash_bootstrap_components
    def _dash_bootstrap_components_Container(self, props: Mapping[str, Any]) -> str:
        fluid = props.get("fluid")
        name = (
            "container-fluid" if fluid is True else f"container-{fluid}" if fluid else "container"
        )
        return _element("div", self._common(props, name), self.write(props.get("children")))

    def _dash_bootstrap_components_Row(self, props: Mapping[str, Any]) -> str:
        return _element("div", self._common(props, "row"), self.write(props.get("children")))

    def _dash_bootstrap_components_Col(self, props: Mapping[str, Any]) -> str:
        sizes = []
        for breakpoint in ("width", "xs", "sm", "md", "lg", "xl", "xxl"):
            value = props.get(breakpoint)
            if isinstance(value, dict):
                value = value.get("size")
            if value is None:
                continue
            infix = "" if breakpoint in ("width", "xs") else f"-{breakpoint}"
            sizes.append(f"col{infix}" if value is True else f"col{infix}-{value}")
        classes = self._common(props, *(sizes or ["col"]))
        return _element("div", classes, self.write(props.get("children")))

    def _block(self, css_class: str, props: Mapping[str, Any]) -> str:
        return _element("div", self._common(props, css_class), self.write(props.get("children")))

    def _dash_bootstrap_components_Card(self, props: Mapping[str, Any]) -> str:
        return self._block("card", props)

    def _dash_bootstrap_components_CardHeader(self, props: Mapping[str, Any]) -> str:
        return self._block("card-header", props)

    def _dash_bootstrap_components_CardBody(self, props: Mapping[str, Any]) -> str:
        return self._block("card-body", props)

    def _dash_bootstrap_components_CardFooter(self, props: Mapping[str, Any]) -> str:
        return self._block("card-footer", props)

    def _dash_bootstrap_components_Alert(self, props: Mapping[str, Any]) -> str:
        if props.get("is_open") is False:
            return ""
        color = props.get("color") or "success"
        attributes = {**self._common(props, "alert", f"alert-{color}"), "role": "alert"}
        return _element("div", attributes, self.write(props.get("children")))

    def _dash_bootstrap_components_Badge(self, props: Mapping[str, Any]) -> str:
        color = props.get("color") or "primary"
        classes = self._common(
            props,
            "badge",
            f"bg-{color}",
            "rounded-pill" if props.get("pill") else None,
            f"text-{props['text_color']}" if props.get("text_color") else None,
        )
        tag = "a" if props.get("href") else "span"
        return _element(
            tag, {**classes, "href": props.get("href")}, self.write(props.get("children"))
        )

    def _dash_bootstrap_components_Button(self, props: Mapping[str, Any]) -> str:
        color = props.get("color") or "primary"
        variant = f"btn-outline-{color}" if props.get("outline") else f"btn-{color}"
        size = f"btn-{props['size']}" if props.get("size") else None
        attributes = self._common(props, "btn", variant, size)
        attributes["title"] = props.get("title")
        if props.get("href"):
            attributes.update(href=props["href"], download=props.get("download"))
            return _element("a", attributes, self.write(props.get("children")))
        attributes.update(type="button", **NEEDS_APP)
        return _element("button", attributes, self.write(props.get("children")))

    def _dash_bootstrap_components_Table(self, props: Mapping[str, Any]) -> str:
        classes = self._common(
            props,
            "table",
            "table-striped" if props.get("striped") else None,
            "table-bordered" if props.get("bordered") else None,
            "table-hover" if props.get("hover") else None,
            f"table-{props['size']}" if props.get("size") else None,
        )
        return _element("table", classes, self.write(props.get("children")))

    def _dash_bootstrap_components_Collapse(self, props: Mapping[str, Any]) -> str:
        classes = self._common(
            props,
            "collapse",
            "navbar-collapse" if props.get("navbar") else None,
            "show" if props.get("is_open") else None,
        )
        return _element("div", classes, self.write(props.get("children")))

    def _dash_bootstrap_components_Label(self, props: Mapping[str, Any]) -> str:
        attributes = {**self._common(props, "form-label"), "for": props.get("html_for")}
        return _element("label", attributes, self.write(props.get("children")))

    def _dash_bootstrap_components_FormText(self, props: Mapping[str, Any]) -> str:
        return _element(
            "small", self._common(props, "form-text"), self.write(props.get("children"))
        )

    def _dash_bootstrap_components_Input(self, props: Mapping[str, Any]) -> str:
        return self._input(props, "form-control")

    def _dash_bootstrap_components_Textarea(self, props: Mapping[str, Any]) -> str:
        attributes = {
            **self._common(props, "form-control"),
            "placeholder": props.get("placeholder"),
            "rows": props.get("rows"),
            "aria-label": props.get("aria-label"),
            **NEEDS_APP,
        }
        return _element("textarea", attributes, self.write(props.get("value")))

    def _dash_bootstrap_components_Select(self, props: Mapping[str, Any]) -> str:
        return self._select(props, "form-select")

    def _dash_bootstrap_components_Progress(self, props: Mapping[str, Any]) -> str:
        value = float(props.get("value") or 0)
        color = props.get("color")
        bar = _element(
            "div",
            {
                "class": _classes("progress-bar", f"bg-{color}" if color else None),
                "style": f"width: {value:g}%",
            },
            self.write(props.get("label")),
        )
        attributes = {
            **self._common(props, "progress"),
            "role": "progressbar",
            "aria-valuenow": f"{value:g}",
            "aria-valuemin": "0",
            "aria-valuemax": "100",
        }
        return _element("div", attributes, bar)

    def _dash_bootstrap_components_Navbar(self, props: Mapping[str, Any]) -> str:
        expand = props.get("expand")
        expand_class = "navbar-expand" if expand is True else f"navbar-expand-{expand}"
        color = props.get("color")
        attributes = self._common(props, "navbar", expand_class if expand else None)
        attributes["class"] = _classes(attributes["class"], f"bg-{color}" if color else None)
        attributes["data-bs-theme"] = "dark" if props.get("dark") else None
        return _element("nav", attributes, self.write(props.get("children")))

    def _dash_bootstrap_components_NavbarBrand(self, props: Mapping[str, Any]) -> str:
        attributes = {**self._common(props, "navbar-brand"), "href": props.get("href")}
        return _element(
            "a" if props.get("href") else "span", attributes, self.write(props.get("children"))
        )

    def _dash_bootstrap_components_NavbarToggler(self, props: Mapping[str, Any]) -> str:
        # The one control the first view works itself (assets/first_view.js): the menu on a
        # phone must open without the interactive page.
        attributes = {
            **self._common(props, "navbar-toggler"),
            "type": "button",
            "aria-label": "Toggle navigation",
            "aria-expanded": "false",
            "data-first-view-toggle": "true",
        }
        return _element("button", attributes, '<span class="navbar-toggler-icon"></span>')

    def _dash_bootstrap_components_Nav(self, props: Mapping[str, Any]) -> str:
        classes = self._common(props, "nav", "navbar-nav" if props.get("navbar") else None)
        return _element("ul", classes, self.write(props.get("children")))

    def _dash_bootstrap_components_NavItem(self, props: Mapping[str, Any]) -> str:
        return _element("li", self._common(props, "nav-item"), self.write(props.get("children")))

    def _dash_bootstrap_components_NavLink(self, props: Mapping[str, Any]) -> str:
        href = props.get("href")
        active = (props.get("active") == "exact" and href == self.path) or props.get(
            "active"
        ) is True
        attributes = {
            **self._common(props, "nav-link", "active" if active else None),
            "href": href,
            "aria-current": "page" if active else None,
        }
        return _element("a", attributes, self.write(props.get("children")))

    def _dash_bootstrap_components_Switch(self, props: Mapping[str, Any]) -> str:
        return self._check(props, "form-switch")

    def _dash_bootstrap_components_Checkbox(self, props: Mapping[str, Any]) -> str:
        return self._check(props, None)

    def _dash_bootstrap_components_Pagination(self, props: Mapping[str, Any]) -> str:
        last = int(props.get("max_value") or 1)
        if last <= 1:
            return _element("nav", self._common(props), "")
        active = int(props.get("active_page") or 1)
        items = "".join(
            _element(
                "li",
                {"class": _classes("page-item", "active" if page == active else None)},
                _element(
                    "button",
                    {"class": "page-link", "type": "button", **NEEDS_APP},
                    str(page),
                ),
            )
            for page in _pages_shown(active, last)
        )
        size = f"pagination-{props['size']}" if props.get("size") else None
        inner = _element("ul", {"class": _classes("pagination", size)}, items)
        attributes = {**self._common(props), "aria-label": "Pages"}
        return _element("nav", attributes, inner)

    # Plain stand-ins for controls that only the interactive page can run.
    def _select(self, props: Mapping[str, Any], css_class: str) -> str:
        chosen = props.get("value")
        chosen_values = {str(v) for v in chosen} if isinstance(chosen, list) else {str(chosen)}
        options = "".join(
            _element(
                "option",
                {"value": option["value"], "selected": str(option["value"]) in chosen_values},
                self.write(option.get("label")),
            )
            for option in _options(props.get("options"))
        )
        placeholder = props.get("placeholder") or "All"
        attributes = {
            **self._common(props, css_class),
            "aria-label": props.get("aria-label"),
            **NEEDS_APP,
        }
        return _element(
            "select", attributes, _element("option", {"value": ""}, placeholder) + options
        )

    def _input(self, props: Mapping[str, Any], css_class: str | None) -> str:
        attributes = {
            **self._common(props, css_class),
            "type": props.get("type") or "text",
            "value": props.get("value"),
            "placeholder": props.get("placeholder"),
            "aria-label": props.get("aria-label"),
            **NEEDS_APP,
        }
        return _element("input", attributes)

    def _check(self, props: Mapping[str, Any], variant: str | None) -> str:
        component_id = self._common(props)["id"]
        box = _element(
            "input",
            {
                "class": "form-check-input",
                "type": "checkbox",
                "id": component_id,
                "checked": bool(props.get("value")),
                **NEEDS_APP,
            },
        )
        label = _element(
            "label",
            {"class": "form-check-label", "for": component_id},
            self.write(props.get("label")),
        )
        outer = {
            "class": _classes(
                "form-check", variant, props.get("className"), props.get("class_name")
            )
        }
        return _element("div", outer, box + label)


def _options(options: Any) -> Iterable[Mapping[str, Any]]:
    for option in options or []:
        if isinstance(option, Mapping):
            yield option
        else:
            yield {"value": option, "label": option}


def _pages_shown(active: int, last: int) -> list[int]:
    return sorted({1, last, *range(max(1, active - 1), min(last, active + 1) + 1)})
