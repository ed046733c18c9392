"""The chart endpoints (/api/v1/charts...) and the embed pages (/embed/<id>) for EVERY chart in
the registry, over a demo warehouse on SQLite and on PostgreSQL: the JSON follows the API
contract and holds the query's rows, the CSV is the card's table view, the images are real
PNG and SVG images, and the embed page carries its title, summary, sharing tags and links."""

from __future__ import annotations

import html
import io
import os
import re
import struct
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import Engine

from data_pipeline.config import load_config
from data_pipeline.demo import write_demo
from data_pipeline.load import load_file
from figures.charts import REGISTRY
from figures.provenance import provenance_rows, table_rows
from figures.summaries import NO_DATA
from figures.table_view import readable_table
from tests.conftest import _postgres_database
from warehouse.db import make_engine, upgrade_schema
from warehouse.queries.charts import CHART_QUERIES
from warehouse.queries.filters import Filters
from web import images
from web.chart_api import chart_api
from web.embeds import embeds

CHART_IDS = sorted(REGISTRY)
PROVENANCE_KEYS = {"sources", "licence", "last_loaded_at", "generated_at"}
PROVENANCE_HEADERS = ("X-Data-Licence", "X-Data-Sources", "X-Data-Last-Loaded", "Link")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def warehouse(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A small demo warehouse, built once per engine for the whole module (loads are slow)."""
    folder = tmp_path_factory.mktemp("chart-api")
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{folder / 'warehouse.db'}"])
    elif not os.environ.get("TEST_POSTGRES_URL"):
        pytest.skip("TEST_POSTGRES_URL is not set; `make test` starts a throw-away PostgreSQL")
    else:
        urls = _postgres_database()
    url = next(urls)
    engine = make_engine(url)
    upgrade_schema(engine)
    config = load_config()
    for path in write_demo(folder / "demo", scale=300):
        assert not load_file(engine, path, config).rejected_whole
    yield engine
    engine.dispose()
    next(urls, None)  # drops the PostgreSQL database


@pytest.fixture
def demo(warehouse: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The module's warehouse, with DATABASE_URL pointing the endpoints at it."""
    monkeypatch.setenv("DATABASE_URL", warehouse.url.render_as_string(hide_password=False))
    images.clear_cache()
    yield warehouse
    images.clear_cache()


@pytest.fixture
def client(demo: Engine) -> FlaskClient:
    app = Flask(__name__)
    app.register_blueprint(chart_api)
    app.register_blueprint(embeds)
    return app.test_client()


def _as_text(frame: pd.DataFrame) -> list[list[str]]:
    return frame.astype(object).where(frame.notna(), "").astype(str).to_numpy().tolist()


def test_charts_list_names_every_chart_with_its_filters_and_links(client: FlaskClient) -> None:
    answer = client.get("/api/v1/charts")
    assert answer.status_code == 200
    body = answer.get_json()
    assert set(body["provenance"]) >= PROVENANCE_KEYS
    listed = {entry["id"]: entry for entry in body["charts"]}
    assert sorted(listed) == CHART_IDS
    for chart_id, entry in listed.items():
        chart = REGISTRY[chart_id]
        assert (entry["title"], entry["units"], entry["source"], entry["page"]) == (
            chart.title,
            chart.units,
            chart.source,
            chart.page,
        )
        assert entry["description"] == chart.description
        assert entry["filters"] and all(isinstance(name, str) for name in entry["filters"])
        links = entry["links"]
        assert set(links) == {"json", "csv", "png", "svg", "embed", "page"}
        for fmt in ("json", "csv", "png", "svg"):
            assert links[fmt] == f"/api/v1/charts/{chart_id}.{fmt}"
        assert links["embed"] == f"/embed/{chart_id}"
        assert links["page"] == chart.page
    assert "q" in listed["research-projects-by-year"]["filters"]
    assert {"fy_from", "funder", "ward"} <= set(listed["funding-by-year"]["filters"])


def test_every_chart_json_follows_the_contract_and_holds_the_query_rows(
    client: FlaskClient, demo: Engine
) -> None:
    for chart_id in CHART_IDS:
        answer = client.get(f"/api/v1/charts/{chart_id}.json")
        assert answer.status_code == 200, chart_id
        assert answer.content_type == "application/json"
        body = answer.get_json()
        assert set(body) == {"chart", "filters", "summary", "columns", "rows", "provenance"}
        chart = REGISTRY[chart_id]
        assert body["chart"] == {
            "id": chart_id,
            "title": chart.title,
            "description": chart.description,
            "units": chart.units,
            "source": chart.source,
        }
        assert body["filters"] == {}
        assert set(body["provenance"]) >= PROVENANCE_KEYS
        assert body["provenance"]["last_loaded_at"], chart_id
        data = CHART_QUERIES[chart_id](demo, Filters())
        assert not data.empty, f"the demo has no numbers for {chart_id}"
        assert body["columns"] == [str(c) for c in data.columns]
        assert len(body["rows"]) == len(data), chart_id
        assert all(set(row) == set(body["columns"]) for row in body["rows"]), chart_id
        for column in body["columns"]:
            if column.endswith("_pence"):
                # Money stays integer pence, as the warehouse holds it.
                values = [row[column] for row in body["rows"] if row[column] is not None]
                assert all(isinstance(v, int) for v in values), (chart_id, column)
                assert values == [int(v) for v in data[column].dropna()], (chart_id, column)
        assert isinstance(body["summary"], str) and body["summary"] != NO_DATA, chart_id


def test_filters_narrow_the_numbers_and_are_echoed(client: FlaskClient, demo: Engine) -> None:
    everything = client.get("/api/v1/charts/funding-by-year.json").get_json()
    years = sorted({row["financial_year"] for row in everything["rows"]})
    assert len(years) >= 3
    cut = years[-2]
    answer = client.get(f"/api/v1/charts/funding-by-year.json?fy_from={cut}&direction=awarded")
    body = answer.get_json()
    assert body["filters"] == {"fy_from": cut, "direction": "awarded"}
    assert body["rows"], "the filtered chart lost every row"
    assert {row["financial_year"] for row in body["rows"]} == set(years[-2:])
    assert {row["direction"] for row in body["rows"]} == {"awarded"}
    expected = CHART_QUERIES["funding-by-year"](demo, Filters(fy_from=cut, direction=("awarded",)))
    assert sum(row["amount_pence"] for row in body["rows"]) == int(expected["amount_pence"].sum())
    assert body["summary"].startswith("Awards ")

    nothing = client.get("/api/v1/charts/funding-by-year.json?fy_from=2090/91").get_json()
    assert nothing["rows"] == [] and nothing["summary"] == NO_DATA


def test_every_chart_csv_is_the_card_table_view(client: FlaskClient, demo: Engine) -> None:
    for chart_id in CHART_IDS:
        answer = client.get(f"/api/v1/charts/{chart_id}.csv")
        assert answer.status_code == 200, chart_id
        assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
        for header in PROVENANCE_HEADERS:
            assert answer.headers.get(header), (chart_id, header)
        rows = table_rows(answer.get_data(as_text=True))
        table = readable_table(CHART_QUERIES[chart_id](demo, Filters()))
        assert rows[0] == list(table.columns), chart_id
        assert rows[1:] == _as_text(table), chart_id


def test_every_chart_csv_opens_with_what_it_is_and_where_it_came_from(
    client: FlaskClient, demo: Engine
) -> None:
    licence = load_config().default_licence
    for chart_id in CHART_IDS:
        chart = REGISTRY[chart_id]
        answer = client.get(f"/api/v1/charts/{chart_id}.csv")
        text = answer.get_data(as_text=True)
        assert text.startswith("\ufeff# Title,"), "a byte-order mark, so Excel reads UTF-8"
        facts = provenance_rows(text)
        assert facts["Title"] == chart.title and facts["Source"] == chart.source, chart_id
        assert facts["Units"] == chart.units and facts["Licence"] == licence, chart_id
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", facts["Loaded"]), chart_id
        assert facts["URL"] == f"http://localhost{chart.page}#card-{chart_id}", chart_id
        data = CHART_QUERIES[chart_id](demo, Filters())
        if "financial_year" in data.columns:
            years = sorted(data["financial_year"].astype(str))
            first, last = int(years[0][:4]), int(years[-1][:4]) + 1
            assert facts["Period"] == f"April {first} – March {last}", chart_id
        # pandas told to skip comments reads just the table, numbers as numbers.
        read = pd.read_csv(io.BytesIO(answer.data), comment="#")
        table = readable_table(data)
        assert list(read.columns) == list(table.columns), chart_id
        assert len(read) == len(table), chart_id


def test_a_filtered_csv_names_its_filters_and_the_period_they_leave(client: FlaskClient) -> None:
    text = client.get("/api/v1/charts/funding-by-year.csv?fy_from=2023/24").get_data(as_text=True)
    facts = provenance_rows(text)
    assert facts["Filters"] == "fy_from=2023/24"
    assert facts["Period"].startswith("April 2023 – March ")
    assert facts["URL"] == "http://localhost/funding?fy_from=2023/24#card-funding-by-year"


def test_images_carry_a_footer_with_source_licence_period_load_and_address(
    client: FlaskClient, demo: Engine
) -> None:
    if demo.dialect.name != "sqlite":
        pytest.skip("images do not depend on the engine; drawn once, over SQLite")
    licence = load_config().default_licence
    for chart_id, query in (("funding-by-year", "?fy_from=2023/24"), ("funding-flow", "")):
        svg = client.get(f"/api/v1/charts/{chart_id}.svg{query}")
        drawn = " ".join(_svg_root(svg.data).itertext())
        chart = REGISTRY[chart_id]
        assert f"Source: {chart.source}; licence {licence}" in drawn, drawn
        assert re.search(r"loaded \d{1,2} [A-Z][a-z]{2} \d{4}", drawn), drawn
        address = f"http://localhost{chart.page}{query}#card-{chart_id}"
        assert address in drawn.replace(" ", ""), drawn
    assert "data to March " in " ".join(
        _svg_root(client.get("/api/v1/charts/funding-by-year.svg").data).itertext()
    )


def test_csv_follows_the_filters(client: FlaskClient, demo: Engine) -> None:
    filters = Filters(fy_from="2023/24")
    answer = client.get("/api/v1/charts/commissioning-routes.csv?fy_from=2023/24")
    rows = table_rows(answer.get_data(as_text=True))
    table = readable_table(CHART_QUERIES["commissioning-routes"](demo, filters))
    assert rows[1:] == _as_text(table)
    assert all(row[0] >= "2023/24" for row in rows[1:])


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/charts/no-such-chart.json", 404),
        ("/api/v1/charts/funding-by-year.xlsx", 404),
        ("/api/v1/charts/funding-by-year.json?colour=red", 400),
        ("/api/v1/charts/funding-by-year.csv?fy_from=2024", 400),
        ("/api/v1/charts/funding-by-year.png?theme=sepia", 400),
        ("/api/v1/charts/funding-by-year.png?width=99999", 400),
        ("/api/v1/charts/funding-by-year.svg?width=wide", 400),
        ("/api/v1/charts/research-projects-by-year.json?q=a%00b", 400),
    ],
)
def test_bad_requests_get_a_json_error(client: FlaskClient, url: str, status: int) -> None:
    answer = client.get(url)
    assert answer.status_code == status
    assert answer.content_type == "application/json"
    assert answer.get_json()["error"]


def escaped(text: str) -> str:
    """As the embed's template writes text into HTML."""
    return str(escape(text))


def _png_size(image: bytes) -> tuple[int, int]:
    assert image[:8] == PNG_SIGNATURE
    assert image[12:16] == b"IHDR"
    width, height = struct.unpack(">II", image[16:24])
    return width, height


def _svg_root(image: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(image)


def test_every_chart_png_and_svg_are_valid_images(client: FlaskClient, demo: Engine) -> None:
    if demo.dialect.name != "sqlite":
        pytest.skip("images do not depend on the engine; drawn once, over SQLite")
    for chart_id in CHART_IDS:
        png = client.get(f"/api/v1/charts/{chart_id}.png")
        assert png.status_code == 200, chart_id
        assert png.headers["Content-Type"] == "image/png"
        assert png.headers.get("X-Data-Licence"), chart_id
        width, height = _png_size(png.data)
        assert width == images.DEFAULT_WIDTH * images.PNG_SCALE, chart_id
        assert height >= 300 * images.PNG_SCALE, chart_id

        svg = client.get(f"/api/v1/charts/{chart_id}.svg?theme=dark&width=700")
        assert svg.status_code == 200, chart_id
        assert svg.headers["Content-Type"].startswith("image/svg+xml")
        assert svg.headers.get("X-Data-Licence"), chart_id
        root = _svg_root(svg.data)
        assert root.tag == "{http://www.w3.org/2000/svg}svg", chart_id
        assert root.get("width") == "700", chart_id
        # The image stands alone: its title and source are drawn into it.
        drawn_text = " ".join(root.itertext())
        assert REGISTRY[chart_id].title in drawn_text, chart_id
        assert REGISTRY[chart_id].source in drawn_text, chart_id


def test_images_come_from_the_cache_until_a_load_runs(
    client: FlaskClient, demo: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if demo.dialect.name != "sqlite":
        pytest.skip("the cache does not depend on the engine")
    drawn: list[str] = []
    real_render = images.render

    def counting_render(*args: object, **kwargs: object) -> bytes:
        drawn.append("image")
        return real_render(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(images, "render", counting_render)
    first = client.get("/api/v1/charts/funding-pc-share.png").data
    again = client.get("/api/v1/charts/funding-pc-share.png").data
    assert first == again and len(drawn) == 1
    client.get("/api/v1/charts/funding-pc-share.png?fy_from=2023/24")
    assert len(drawn) == 2, "other filters are another image"

    (same,) = write_demo(tmp_path / "again", scale=300)[:1]
    assert load_file(demo, same, load_config()).status == "unchanged"
    client.get("/api/v1/charts/funding-pc-share.png")
    assert len(drawn) == 2, "a file loaded again unchanged changes no figure"

    grants = next(p for p in write_demo(tmp_path / "more", scale=320) if "grants" in p.name)
    assert load_file(demo, grants, load_config()).status != "unchanged"
    client.get("/api/v1/charts/funding-pc-share.png")
    assert len(drawn) == 3, "a load must make the cached image stale"


def test_every_chart_has_an_embed_page_with_its_facts_and_sharing_tags(
    client: FlaskClient,
) -> None:
    for chart_id in CHART_IDS:
        answer = client.get(f"/embed/{chart_id}?theme=dark")
        assert answer.status_code == 200, chart_id
        assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
        page = answer.get_data(as_text=True)
        chart = REGISTRY[chart_id]
        summary = client.get(f"/api/v1/charts/{chart_id}.json").get_json()["summary"]
        assert '<html lang="en-GB" data-theme="dark">' in page
        assert f"<title>{escaped(chart.title)} · " in page
        assert f'<meta property="og:title" content="{escaped(chart.title)}">' in page
        assert f'<meta property="og:description" content="{escaped(summary)}">' in page
        assert (
            f'<meta property="og:image" content="http://localhost/api/v1/charts/{chart_id}.png'
            '?theme=dark">' in page
        )
        assert f'<meta property="og:url" content="http://localhost/embed/{chart_id}' in page
        assert 'name="twitter:card" content="summary_large_image"' in page
        assert f'<figcaption class="summary">{escaped(summary)}</figcaption>' in page
        assert escaped(chart.source) in page and "Last updated" in page
        assert f'href="/api/v1/charts/{chart_id}.csv"' in page
        assert f"http://localhost{chart.page}#card-{chart_id}" in page
        assert 'id="embed-figure"' in page and "/plotly.min.js" in page
        assert "<script>" not in page, "no inline script: the CSP allows none"
        # The site's icon, so a browser does not ask for /favicon.ico, which is no page.
        assert '<link rel="icon" type="image/x-icon" href="/_favicon.ico?v=' in page


def test_embed_keeps_the_filters_in_its_links(client: FlaskClient) -> None:
    page = client.get("/embed/funding-top-recipients?fy_from=2023/24&direction=awarded").get_data(
        as_text=True
    )
    back = html.unescape(page.split('<a href="', 1)[1].split('"', 1)[0])
    parts = urlsplit(back)
    assert parts.path == "/funding"
    assert parse_qs(parts.query) == {"fy_from": ["2023/24"], "direction": ["awarded"]}
    assert 'href="/api/v1/charts/funding-top-recipients.csv?fy_from=2023/24&amp;direction=' in page


def test_embed_of_no_matching_records_says_so(client: FlaskClient) -> None:
    page = client.get("/embed/funding-by-year?fy_from=2090/91").get_data(as_text=True)
    assert NO_DATA in page
    assert 'id="embed-figure"' not in page


def test_embed_errors_and_parameters_picked_up_on_the_way(client: FlaskClient) -> None:
    assert client.get("/embed/no-such-chart").status_code == 404
    assert client.get("/embed/funding-by-year?fy_from=2024").status_code == 400
    assert client.get("/embed/funding-by-year?theme=sepia").status_code == 400
    shared = client.get("/embed/funding-pc-share?fy_from=2023/24&utm_source=news&fbclid=x")
    assert shared.status_code == 200
    page = shared.get_data(as_text=True)
    plain = client.get("/embed/funding-pc-share?fy_from=2023/24").get_data(as_text=True)
    assert _without_svg_uids(page) == _without_svg_uids(plain)
    assert "utm_source" not in page and "fbclid" not in page


def _without_svg_uids(page: str) -> str:
    """plotly.js gives each drawing of a chart a random six-hex-digit id (clip paths, defs)."""
    return re.sub(r"(defs-|clip)[0-9a-f]{6}", r"\1uid", page)


@pytest.mark.parametrize("query", ["bogus=1", "fy_form=2023/24", "fy_from=2023/24&directon=x"])
def test_embed_refuses_unknown_parameters_and_lists_the_allowed_ones(
    client: FlaskClient, query: str
) -> None:
    answer = client.get(f"/embed/funding-by-year?{query}")
    assert answer.status_code == 400
    says = answer.get_data(as_text=True)
    assert "unknown parameter" in says
    for name in ("fy_from", "fy_to", "direction", "theme"):
        assert name in says, f"the answer lists {name} among the allowed parameters"


def test_embed_static_files_are_versioned_cached_and_gzipped(client: FlaskClient) -> None:
    page = client.get("/embed/funding-pc-share").get_data(as_text=True)
    scripts = [part.split('"', 1)[0] for part in page.split('<script src="')[1:]]
    styles = [part.split('"', 1)[0] for part in page.split('<link rel="stylesheet" href="')[1:]]
    # The chart arrives drawn as SVG: plotly.js is fetched only to explore it, from the
    # address on the "Explore the chart" button.
    plotly_url = page.split('data-plotly="', 1)[1].split('"', 1)[0]
    assert len(scripts) == 1 and len(styles) == 1
    for url in (*scripts, *styles, plotly_url):
        plain = client.get(url)
        assert plain.status_code == 200, url
        assert "immutable" in plain.headers["Cache-Control"]
        assert "max-age=31536000" in plain.headers["Cache-Control"]
        zipped = client.get(url, headers={"Accept-Encoding": "gzip, br"})
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert len(zipped.data) < len(plain.data)
    assert plotly_url.endswith("plotly.min.js")
    assert client.get(plotly_url).headers["Content-Type"].startswith("text/javascript")
    stale = plotly_url.replace("/static/", "/static/0", 1)
    assert client.get(stale).status_code == 404
