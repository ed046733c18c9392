"""Funding page speed: the median time of its filter callbacks (the five chart draws, the filter
options and the grants grid's first page), in process through Flask's test client, over the
demo borough at its default size and at ``--scale`` grants. (The filter state is collected in
the browser, with no request. Chart and filter-option answers are cached per load, so after the
warm-up round they come from the cache; ``benchmarks.page_callbacks`` shows first runs too.)

Each callback is POSTed to ``/_dash-update-component`` with the payload the browser sends, for
a set of filter choices a visitor makes (none, a funder, a year range, a direction, a
programme, a recipient type, a ward, and a funder with a ward). The warehouses are built into a
temporary folder by the demo generator, each in a process of its own; ``--workdir`` keeps them
for the next run.

    python -m benchmarks.funding_callbacks [--scale 1000000] [--repeat 5] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from benchmarks.common import build_warehouse

DEFAULT_SCALE = 5_000  # the demo generator's default
FILTER_NAMES = ("fy_from", "fy_to", "funder", "direction", "programme", "recipient_type", "ward")
CHARTS = (
    "funding-by-year",
    "funding-flow",
    "funding-top-recipients",
    "funding-pc-share",
    "funding-pooled",
)
GRID = "grid-funding-grants"


def scenarios(url: str) -> dict[str, dict[str, Any]]:
    """Filter choices a visitor makes, with values taken from the warehouse."""
    engine = create_engine(url)
    with engine.connect() as conn:

        def first(sql: str) -> str:
            return str(conn.execute(text(sql)).scalar_one())

        funder = first(
            "SELECT funder_org_id FROM mart_grants_by_facet GROUP BY funder_org_id "
            "ORDER BY sum(grants_count) DESC LIMIT 1"
        )
        programme = first(
            "SELECT programme_title FROM mart_grants_by_facet WHERE programme_title IS NOT NULL "
            "GROUP BY programme_title ORDER BY sum(grants_count) DESC LIMIT 1"
        )
        ward = first(
            "SELECT beneficiary_geo_code FROM mart_grants_by_facet "
            "WHERE beneficiary_geo_code LIKE 'E05%' GROUP BY beneficiary_geo_code "
            "ORDER BY sum(grants_count) DESC LIMIT 1"
        )
        years = [
            str(year)
            for (year,) in conn.execute(
                text("SELECT DISTINCT financial_year FROM mart_grants_by_year ORDER BY 1")
            )
        ]
    engine.dispose()
    return {
        "no filters": {},
        "funder": {"funder": [funder]},
        "year range": {"fy_from": years[len(years) // 2], "fy_to": years[-1]},
        "direction": {"direction": ["awarded"]},
        "programme": {"programme": [programme]},
        "recipient type": {"recipient_type": ["charity"]},
        "ward": {"ward": [ward]},
        "funder and ward": {"funder": [funder], "ward": [ward]},
    }


def _state(chosen: dict[str, Any]) -> dict[str, Any]:
    return {name: chosen.get(name) for name in FILTER_NAMES}


def _control(name: str) -> dict[str, str]:
    return {"name": name, "page": "funding", "type": "filter"}


def payloads(chosen: dict[str, Any], callback_map: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The browser's callback requests after the filters change to ``chosen``."""
    state = _state(chosen)
    state_input = {"id": "filter-state", "property": "data", "value": state}
    changed = ["filter-state.data"]
    requests: dict[str, dict[str, Any]] = {
        "filter options": {
            "output": '{"name":["ALL"],"page":["ALL"],"type":"filter"}.options',
            "outputs": [{"id": _control(name), "property": "options"} for name in FILTER_NAMES],
            "inputs": [state_input],
            "changedPropIds": changed,
        },
        "grid first page": {
            "output": f"..{GRID}-grid.getRowsResponse...{GRID}-count.children...{GRID}-csv.href..",
            "outputs": [
                {"id": f"{GRID}-grid", "property": "getRowsResponse"},
                {"id": f"{GRID}-count", "property": "children"},
                {"id": f"{GRID}-csv", "property": "href"},
            ],
            "inputs": [
                {
                    "id": f"{GRID}-grid",
                    "property": "getRowsRequest",
                    "value": {"startRow": 0, "endRow": 20, "sortModel": [], "filterModel": {}},
                }
            ],
            "changedPropIds": [f"{GRID}-grid.getRowsRequest"],
            "state": [state_input],
        },
    }
    requests.update(_chart_requests(state, callback_map))
    return requests


def _outputs_of(key: str) -> list[str]:
    """The "id.property" outputs of a callback map's key (several are joined by "...")."""
    return key.strip(".").split("...")


def _chart_requests(
    state: dict[str, Any], callback_map: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """The requests that draw the funding page's charts, as the renderer sends them, from the
    app's callback map (one callback may draw several charts: its request is named by how
    many)."""
    values = {"filter-state": state, "theme-store": "light", "viewport-store": "wide"}
    requests: dict[str, dict[str, Any]] = {}
    for chart_id in CHARTS:
        figure = f"chart-{chart_id}-graph.figure"
        key, spec = next((k, v) for k, v in callback_map.items() if figure in _outputs_of(k))
        drawn = [c for c in CHARTS if f"chart-{c}-graph.figure" in _outputs_of(key)]
        name = chart_id if len(drawn) == 1 else f"{len(drawn)} charts together"
        outputs = [
            {"id": part, "property": prop}
            for part, prop in (output.rsplit(".", 1) for output in _outputs_of(key))
        ]
        requests[name] = {
            "output": key,
            "outputs": outputs,
            "inputs": [{**i, "value": values[i["id"]]} for i in spec["inputs"]],
            "changedPropIds": ["filter-state.data"],
            "state": [{**i, "value": values.get(i["id"])} for i in spec.get("state", [])],
        }
    return requests


def time_callbacks(url: str, repeat: int) -> dict[str, list[float]]:
    """Seconds per request, by callback, over every scenario and ``repeat`` rounds."""
    os.environ["DATABASE_URL"] = url
    from app import server  # imported here: DATABASE_URL is read when the engine is made

    client = server.test_client()
    client.get("/")  # the session and the CSRF cookie the renderer echoes as a header
    cookie = client.get_cookie("_csrf_token")
    headers = {"X-CSRFToken": cookie.value} if cookie else {}
    timings: dict[str, list[float]] = defaultdict(list)
    import dash

    callback_map = dash.get_app().callback_map  # filled by the first request above
    plans = {name: payloads(chosen, callback_map) for name, chosen in scenarios(url).items()}
    for requests in plans.values():  # warm-up: connections, imports, the OS page cache
        for body in requests.values():
            response = client.post("/_dash-update-component", json=body, headers=headers)
            assert response.status_code in (200, 204), response.get_data(as_text=True)[:500]
    for _ in range(repeat):
        for requests in plans.values():
            for callback, body in requests.items():
                start = time.perf_counter()
                response = client.post("/_dash-update-component", json=body, headers=headers)
                timings[callback].append(time.perf_counter() - start)
                assert response.status_code in (200, 204), callback
    return timings


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000, help="grants in the large demo")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of every scenario")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the warehouses here")
    parser.add_argument("--quick", action="store_true", help="one round, one size (smoke test)")
    args = parser.parse_args()
    if args.quick:
        args.repeat = 1

    with tempfile.TemporaryDirectory(prefix="funding-bench-") as temporary:
        folder = args.workdir or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        sizes = [args.scale] if args.quick else sorted({DEFAULT_SCALE, args.scale})
        results: dict[int, dict[str, list[float]]] = {}
        for scale in sizes:
            url, built = build_warehouse(folder, scale)
            note = f"built in {built:.0f} s" if built else "reused"
            print(f"warehouse of {scale:,} grants: {note}", flush=True)
            results[scale] = time_callbacks(url, args.repeat)

    callbacks = list(results[sizes[0]])
    header = "callback".ljust(24) + "".join(f"{scale:>14,}" for scale in sizes)
    print(f"\nMedian time per callback request ({args.repeat} rounds x 8 filter choices)")
    print(header + ("   ratio" if len(sizes) == 2 else ""))
    for callback in callbacks:
        medians = [statistics.median(results[scale][callback]) for scale in sizes]
        ratio = f"{medians[-1] / medians[0]:8.2f}" if len(sizes) == 2 else ""
        print(callback.ljust(24) + "".join(f"{_ms(m):>14}" for m in medians) + ratio)
    overall = [
        statistics.median([t for times in results[scale].values() for t in times])
        for scale in sizes
    ]
    ratio = f"{overall[-1] / overall[0]:8.2f}" if len(sizes) == 2 else ""
    print("all filter callbacks".ljust(24) + "".join(f"{_ms(m):>14}" for m in overall) + ratio)
    slowest = [max(t for times in results[scale].values() for t in times) for scale in sizes]
    print("slowest single request".ljust(24) + "".join(f"{_ms(m):>14}" for m in slowest))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
