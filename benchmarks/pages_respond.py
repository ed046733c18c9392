"""Does every page still answer quickly at a million grants? The median time of what each page
asks the warehouse when it first opens, with no filters: every chart on it, every filter's
options, and the page's own lists (overview headlines, research results, the directory), at the
demo's default size and at ``--scale`` grants. In process, straight through the query layer.

    python -m benchmarks.pages_respond [--scale 1000000] [--repeat 5] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from benchmarks.common import build_warehouse
from benchmarks.funding_callbacks import DEFAULT_SCALE
from figures.charts import REGISTRY
from warehouse.db import make_engine
from warehouse.queries import headlines, research, researchers
from warehouse.queries.charts import CHART_QUERIES, OPTION_QUERIES, filter_options
from warehouse.queries.filters import Filters

NO_FILTERS = Filters()


def _overview(engine: Engine) -> None:
    years = headlines.financial_years(engine)
    headlines.pc_funding_by_year(engine)
    headlines.participatory_share_by_year(engine)
    headlines.active_projects_by_year(engine, years)
    headlines.policy_decisions_by_year(engine)
    headlines.achieved_by_year(engine, years)
    headlines.days_to_pay_by_year(engine)
    headlines.public_researchers(engine)


PAGE_LISTS: dict[str, Callable[[Engine], object]] = {
    "/": _overview,
    "/research": lambda engine: research.search_projects(engine, NO_FILTERS),
    "/researchers": lambda engine: researchers.researcher_directory(engine, NO_FILTERS),
}
OPTION_PAGES = {
    "/": "overview",
    "/funding": "funding",
    "/commissioning": "commissioning",
    "/research": "research",
    "/researchers": "researchers",
}


def page_work(path: str) -> list[Callable[[Engine], object]]:
    """Everything the page at ``path`` asks the warehouse for when it opens."""
    work: list[Callable[[Engine], object]] = [
        (lambda engine, chart_id=chart.chart_id: CHART_QUERIES[chart_id](engine, NO_FILTERS))
        for chart in REGISTRY.values()
        if chart.page == path
    ]
    page = OPTION_PAGES[path]
    work += [
        (lambda engine, name=name: filter_options(engine, page, name, NO_FILTERS))
        for name in OPTION_QUERIES.get(page, {})
    ]
    if path in PAGE_LISTS:
        work.append(PAGE_LISTS[path])
    return work


def time_pages(url: str, repeat: int) -> dict[str, float]:
    """Median seconds per page over ``repeat`` rounds."""
    engine = make_engine(url)
    medians = {}
    for path in OPTION_PAGES:
        work = page_work(path)
        rounds = []
        for _ in range(repeat):
            start = time.perf_counter()
            for step in work:
                step(engine)
            rounds.append(time.perf_counter() - start)
        medians[path] = statistics.median(rounds)
    engine.dispose()
    return medians


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--quick", action="store_true", help="one round (smoke test)")
    args = parser.parse_args()
    if args.quick:
        args.repeat = 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.workdir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        small_url, _ = build_warehouse(folder, DEFAULT_SCALE)
        large_url, built = build_warehouse(folder, args.scale)
        small, large = time_pages(small_url, args.repeat), time_pages(large_url, args.repeat)
    print(f"Warehouse of {args.scale:,} grants built in {built:.0f} s" if built else "")
    print(f"| page | {DEFAULT_SCALE:,} grants | {args.scale:,} grants | ratio |")
    print("|---|---:|---:|---:|")
    for path in OPTION_PAGES:
        print(
            f"| {path} | {small[path] * 1000:.0f} ms | {large[path] * 1000:.0f} ms | "
            f"{large[path] / small[path]:.2f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
