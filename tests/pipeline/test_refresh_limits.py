"""What the refresh does at its limits, each through a real server on localhost: a file over
the size cap is refused and the data loaded before stays, with the reason recorded; a server
that answers 429 or 503 with ``Retry-After`` is asked again no sooner than it said; a source
whose total or rejected rows jump beyond the configured share alerts once per incident, not on
every run; and grants are placed in the area by the council's postcode lookup in a full
refresh."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data_pipeline.cli import main
from data_pipeline.fetch.http import Politeness, fetch
from tests.pipeline.local_receivers import SmtpServer, WebhookReceiver
from tests.pipeline.registry_server import RegistryServer, Served
from warehouse.db import make_engine
from warehouse.schema import fct_grants, meta_alerts, meta_fetch_sources, meta_fetches

HEADER = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,"
    "Recipient Org:Identifier,Recipient Org:Name,Recipient Org:Postal Code,"
    "Beneficiary Location:Geographic Code,Funding Org:Identifier,Funding Org:Name\n"
)
FUNDER = "GB-CHC-9990001,Northfield Community Trust"


def grants_csv(amounts: list[int | None], postcodes: list[str] | None = None) -> bytes:
    """One grant per amount (None: no amount, a row the warehouse cannot hold)."""
    rows = []
    for number, amount in enumerate(amounts, start=1):
        postcode = postcodes[number - 1] if postcodes else ""
        rows.append(
            f"360G-nct-{number},Grant {number},Community work,GBP,"
            f"{'' if amount is None else amount},2024-05-{number % 28 + 1:02d},"
            f"GB-CHC-{1000 + number},Group {number},{postcode},,{FUNDER}\n"
        )
    return (HEADER + "".join(rows)).encode()


@dataclass
class Refresher:
    """A warehouse, a configuration naming one URL source, and the servers it talks to."""

    folder: Path
    server: RegistryServer
    smtp: SmtpServer
    hook: WebhookReceiver
    monkeypatch: pytest.MonkeyPatch
    url: str = ""
    engine: Engine = field(init=False)

    def __post_init__(self) -> None:
        self.url = f"sqlite:///{self.folder / 'warehouse.db'}"
        self.engine = make_engine(self.url)

    def configure(
        self, refresh_keys: str = "", alert_keys: str = "", area: str = "", by_area: bool = False
    ) -> None:
        config = self.folder / "observatory.toml"
        config.write_text(
            f"""
[site]
name = "Test Observatory"
[[sources]]
name = "Northfield grants"
url = "{self.server.base}/files/grants.csv"
by_area = {"true" if by_area else "false"}
[refresh]
timeout_seconds = 5
retries = 0
backoff_seconds = 0.01
{refresh_keys}
[alerts]
email_to = ["data@council.example"]
smtp_host = "127.0.0.1"
smtp_port = {self.smtp.port}
webhook_url = "{self.hook.url}"
{alert_keys}
{area}
""",
            encoding="utf-8",
        )
        self.monkeypatch.setenv("OBSERVATORY_CONFIG", str(config))

    def serve(self, content: bytes) -> None:
        self.server.served.files["grants.csv"] = content
        self.server.served.changed_at["grants.csv"] = time.time()

    def refresh(self) -> int:
        return main(["--database-url", self.url, "refresh"])

    def source(self) -> dict[str, object]:
        with self.engine.connect() as conn:
            row = conn.execute(select(meta_fetch_sources)).mappings().one()
        return dict(row)

    def grants(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(fct_grants.c.published_id, fct_grants.c.amount_awarded_pence)
            ).all()
        return {str(published): int(pence) for published, pence in rows}

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.smtp.messages]


@pytest.fixture
def refresher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Refresher]:
    server, smtp, hook = RegistryServer(Served()), SmtpServer(), WebhookReceiver()
    yield Refresher(tmp_path, server, smtp, hook, monkeypatch)
    server.close()
    smtp.close()
    hook.close()


def test_a_file_over_the_size_cap_is_refused_and_the_grants_loaded_before_stay(
    refresher: Refresher,
) -> None:
    small = grants_csv([1000, 2000])
    refresher.configure(refresh_keys="max_bytes = 2000")
    refresher.serve(small)
    assert len(small) < 2000
    assert refresher.refresh() == 0
    assert refresher.grants() == {"360G-nct-1": 100_000, "360G-nct-2": 200_000}

    big = grants_csv([1000] * 40)
    refresher.serve(big)
    assert refresher.refresh() == 2
    source = refresher.source()
    assert source["last_status"] == "failed"
    assert f"is {len(big):,} bytes, over the 2,000-byte limit" in str(source["last_reason"])
    assert refresher.grants() == {"360G-nct-1": 100_000, "360G-nct-2": 200_000}
    with refresher.engine.connect() as conn:
        last = conn.execute(
            select(meta_fetches.c.outcome, meta_fetches.c.reason, meta_fetches.c.bytes).order_by(
                meta_fetches.c.fetch_id.desc()
            )
        ).first()
    assert last is not None
    assert last.outcome == "failed" and "over the 2,000-byte limit" in str(last.reason)
    assert last.bytes == 0  # nothing kept of the refused file
    assert refresher.subjects() == ["[Test Observatory] Northfield grants: failed"]


class _Scripted(BaseHTTPRequestHandler):
    """Answers each path from a script: (status, headers, body) in turn, the last one
    repeated; a body with no Content-Length is streamed until the connection closes."""

    script: dict[str, list[tuple[int, dict[str, str], bytes]]]
    seen: list[tuple[str, float]]

    def log_message(self, format: str, *args: object) -> None:
        return None

    def do_GET(self) -> None:
        self.seen.append((self.path, time.monotonic()))
        answers = self.script[self.path]
        status, headers, body = answers.pop(0) if len(answers) > 1 else answers[0]
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def scripted() -> Iterator[tuple[str, type[_Scripted]]]:
    handler = type("Handler", (_Scripted,), {"script": {}, "seen": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()
    httpd.server_close()


POLITE = Politeness(user_agent="test", timeout_seconds=5, retries=2, backoff_seconds=0.01)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_in_seconds_is_waited_for_before_asking_again(
    scripted: tuple[str, type[_Scripted]], status: int
) -> None:
    base, handler = scripted
    data = grants_csv([1000])
    handler.script["/grants.csv"] = [
        (status, {"Retry-After": "2", "Content-Length": "4"}, b"busy"),
        (200, {"Content-Length": str(len(data))}, data),
    ]
    fetched = fetch(f"{base}/grants.csv", POLITE)
    assert fetched.outcome == "downloaded" and fetched.content == data
    assert fetched.attempts == 2
    (_, first), (_, second) = handler.seen
    # The back-off alone would have waited 0.01 s.
    assert second - first >= 1.9


def test_retry_after_as_an_http_date_is_waited_for_too(
    scripted: tuple[str, type[_Scripted]],
) -> None:
    base, handler = scripted
    data = grants_csv([1000])
    handler.script["/grants.csv"] = [
        (
            503,
            {"Retry-After": formatdate(time.time() + 3, usegmt=True), "Content-Length": "0"},
            b"",
        ),
        (200, {"Content-Length": str(len(data))}, data),
    ]
    fetched = fetch(f"{base}/grants.csv", POLITE)
    assert fetched.outcome == "downloaded"
    (_, first), (_, second) = handler.seen
    assert second - first >= 1.5  # the date has a resolution of a second


def test_a_streamed_file_with_no_length_is_stopped_at_the_size_cap(
    scripted: tuple[str, type[_Scripted]],
) -> None:
    base, handler = scripted
    handler.protocol_version = "HTTP/1.0"  # no Content-Length: the body ends when it closes
    handler.script["/grants.csv"] = [(200, {}, grants_csv([1000] * 2000))]
    capped = Politeness(user_agent="test", timeout_seconds=5, max_bytes=100_000, retries=0)
    fetched = fetch(f"{base}/grants.csv", capped)
    assert fetched.outcome == "failed" and fetched.content == b""
    assert fetched.reason == "is over the 100,000-byte limit (stopped reading)"


def _open_incidents(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(
            conn.execute(select(meta_alerts.c.kind).where(meta_alerts.c.closed_at.is_(None)))
            .scalars()
            .all()
        )


def test_a_jump_in_the_total_beyond_the_threshold_alerts_once_per_incident(
    refresher: Refresher,
) -> None:
    refresher.configure(alert_keys="total_jump = 0.5\nrejects_jump = 0.5")
    refresher.serve(grants_csv([600, 400]))  # £1,000
    assert refresher.refresh() == 0
    refresher.serve(grants_csv([800, 500]))  # £1,300: +30%, under the threshold
    assert refresher.refresh() == 0
    assert refresher.subjects() == []

    refresher.serve(grants_csv([2000, 1000]))  # £3,000: +131%
    assert refresher.refresh() == 0
    expected = ["[Test Observatory] Northfield grants: total-jump"]
    assert refresher.subjects() == expected
    assert "its total moved by +131%, from £1,300.00 to £3,000.00" in str(
        refresher.smtp.messages[0].get_payload()
    )
    assert [h["kind"] for h in refresher.hook.received] == ["total-jump"]
    assert _open_incidents(refresher.engine) == ["total-jump"]

    assert refresher.refresh() == 0  # nothing changed: the incident is still open, no new alert
    refresher.serve(grants_csv([2100, 1000]))  # £3,100: steady again, the incident closes
    assert refresher.refresh() == 0
    assert refresher.subjects() == expected
    assert _open_incidents(refresher.engine) == []

    refresher.serve(grants_csv([9000, 1000]))  # £10,000: a new incident, a new alert
    assert refresher.refresh() == 0
    assert refresher.subjects() == expected * 2
    assert len(refresher.hook.received) == 2


def test_a_jump_in_rejected_rows_alerts_once(refresher: Refresher) -> None:
    refresher.configure(alert_keys="rejects_jump = 0.5\ntotal_jump = 10")
    refresher.serve(grants_csv([1000, 1000, 1000, 1000]))
    assert refresher.refresh() == 0
    refresher.serve(grants_csv([1000, None, None, 1000]))  # two rows with no amount
    assert refresher.refresh() == 1  # loaded with rejected rows
    assert refresher.subjects() == ["[Test Observatory] Northfield grants: rejects-jump"]
    assert "rejected rows rose from 0 to 2" in str(refresher.smtp.messages[0].get_payload())
    assert refresher.refresh() == 0  # the same file (304): nothing loaded, no new alert
    assert refresher.subjects() == ["[Test Observatory] Northfield grants: rejects-jump"]
    assert _open_incidents(refresher.engine) == ["rejects-jump"]
    refresher.serve(grants_csv([1200, None, None, 1000]))  # as many rejects as last time
    assert refresher.refresh() == 1
    assert refresher.subjects() == ["[Test Observatory] Northfield grants: rejects-jump"]
    assert _open_incidents(refresher.engine) == []


LOOKUP = (
    "pcds,laua,osward,lsoa21cd\n"
    "M32 0TH,E08000009,E05000829,E01006000\n"
    "M33 7ZF,E08000009,E05000830,E01006001\n"
    "M1 1AD,E08000003,E05011368,E01005000\n"
)


def test_the_postcode_rule_places_grants_in_a_full_refresh(refresher: Refresher) -> None:
    (refresher.folder / "postcodes.csv").write_text(LOOKUP, encoding="utf-8")
    refresher.configure(
        area='[area]\ncodes = ["E08000009"]\npostcode_lookup = "postcodes.csv"', by_area=True
    )
    # In the area by postcode (as written, and lower case without its space), then a grant
    # whose postcode is in Manchester, and one with none.
    postcodes = ["M32 0TH", "m337zf", "M1 1AD", ""]
    refresher.serve(grants_csv([1000, 2000, 4000, 8000], postcodes))
    assert refresher.refresh() == 0
    assert refresher.grants() == {"360G-nct-1": 100_000, "360G-nct-2": 200_000}
    with refresher.engine.connect() as conn:
        fetched = conn.execute(select(meta_fetches)).mappings().one()
        stored = conn.execute(select(func.count()).select_from(fct_grants)).scalar_one()
    assert json.loads(fetched["placed_by"])["recipient postcode"] == 2
    assert fetched["rows_read"] == 4 and fetched["rows_elsewhere"] == 2
    assert fetched["pence_elsewhere"] == 1_200_000
    assert stored == 2
    assert refresher.source()["last_status"] == "loaded"
