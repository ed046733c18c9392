"""A local stand-in for the 360Giving registry and its publishers' servers, for the refresh
tests and the benchmark: real registry entries (from tests/fixtures/real/360giving/registry/)
whose download URLs point here, serving real publishers' files, plus the failures the
internet offers (404, a server that never answers in time, an HTML error page served as data).
Files are served with an ETag and Last-Modified and answer 304 to a matching conditional
request; every request is logged with its User-Agent."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "360giving"
STATUS = REAL / "registry" / "datagetter_status_2019-02-28_147files_insights-fixture.json"
DATA_ALL = REAL / "registry" / "datagetter_data_all_sample.json"
PUBLISHERS = REAL / "publishers"

# Publisher file -> the prefix of its real registry entry (the 2019 status file, or the
# data.json sample for the Andrew Lloyd Webber Foundation). Baring and Nominet are not in
# either: their entries copy the shape with the publisher named in their files.
FILES = {
    "ab-charitable-trust_a001p00000zgyHZAAY.xlsx": "360G-ABCT",
    "andrew-lloyd-webber-foundation_a003W000001B7PzQAK.xlsx": "360G-ALWF",
    "indigo-trust_IndigoTrust_360giving_2015.csv": "360G-indigotrust",
    "lloyds-bank-foundation_360_giving_LBFEW_2010_2015.xlsx": "360G-LBFEW",
    "oxfordshire-community-foundation_ocf1_2016.json": "360G-ocf",
    "power-to-change_a002400000nO46WAAS_grantnav-enriched.json.gz": "360G-powertochange",
    "dulverton-trust_2016.json.gz": "360G-dulverton",
    "trafford-mbc_voluntary-sector-grants_360giving.csv": "360G-traffordmbc",
    "wolfson-foundation_a002400000KeYdsAAF_grantnav-enriched.json.gz": "360G-wolfson",
    "baring-foundation_2016.json": "360G-baring",
    "nominet-trust_2016.json.gz": "360G-nominettrust",
}
NAMED = {"360G-baring": "The Baring Foundation", "360G-nominettrust": "Nominet Trust"}


@dataclass
class Served:
    """What the server serves and what it was asked."""

    files: dict[str, bytes] = field(default_factory=dict)
    registry: bytes = b"[]"
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # path, UA, status
    slow_seconds: float = 2.0
    changed_at: dict[str, float] = field(default_factory=dict)

    def downloads(self, name: str) -> int:
        return sum(1 for p, _ua, s in self.requests if p == f"/files/{name}" and s == "200")


def real_entries() -> dict[str, dict[str, object]]:
    """The first real registry entry of each prefix."""
    entries: dict[str, dict[str, object]] = {}
    for entry in json.loads(STATUS.read_text()) + json.loads(DATA_ALL.read_text()):
        prefix = entry["publisher"]["prefix"]
        entries.setdefault(prefix, entry)
    return entries


def build_registry(base: str, names: dict[str, str], extra: list[dict[str, object]]) -> bytes:
    """A registry listing ``names`` (file -> prefix) at ``base``, real entries for each, plus
    ``extra`` entries (the failures); Zing, whose licence is not open, stays as published."""
    entries = real_entries()
    template = entries["360G-ABCT"]
    listed = []
    for number, (name, prefix) in enumerate(names.items()):
        entry = copy.deepcopy(entries.get(prefix, template))
        if prefix not in entries:
            entry["publisher"] = {"name": NAMED.get(prefix, prefix), "prefix": prefix}
            entry["title"] = f"{NAMED.get(prefix, prefix)} grants"
        entry["identifier"] = f"{entry['identifier']}-{number}"
        entry["distribution"] = [{"downloadURL": f"{base}/files/{name}", "title": entry["title"]}]
        listed.append(entry)
    listed.append(copy.deepcopy(entries["360G-zing"]))
    listed.extend(extra)
    return json.dumps(listed).encode()


def failure_entry(base: str, identifier: str, path: str, title: str) -> dict[str, object]:
    entry = copy.deepcopy(real_entries()["360G-ABCT"])
    entry.update(identifier=identifier, title=title)
    entry["publisher"] = {"name": f"{title} publisher", "prefix": f"360G-{identifier}"}
    entry["distribution"] = [{"downloadURL": f"{base}{path}", "title": title}]
    return entry


def _handler(served: Served) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            served.requests.append((self.path, self.headers.get("User-Agent", ""), str(status)))
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                # The client may have given up waiting (the time-out case).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/registry.json":
                self._send(200, served.registry, {"Content-Type": "application/json"})
            elif self.path.startswith("/slow"):
                time.sleep(served.slow_seconds)
                self._send(200, b'{"grants": []}')
            elif self.path.startswith("/error-page"):
                page = (
                    b"<!DOCTYPE html><html><body><h1>Sorry, something went wrong</h1></body></html>"
                )
                self._send(200, page, {"Content-Type": "text/html"})
            elif self.path.startswith("/files/") and self.path[7:] in served.files:
                name = self.path[7:]
                body = served.files[name]
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                modified = formatdate(served.changed_at.get(name, 1.6e9), usegmt=True)
                headers = {"ETag": etag, "Last-Modified": modified}
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", headers)
                else:
                    self._send(200, body, headers)
            else:
                self._send(404, b"Not Found", {"Content-Type": "text/plain"})

    return Handler


class RegistryServer:
    """The server in a thread, on a free port of 127.0.0.1; ``close()`` stops it."""

    def __init__(self, served: Served) -> None:
        self.served = served
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # type: ignore[method-assign]
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def real_registry_server(with_failures: bool = True) -> RegistryServer:
    """The registry of the real publishers' files above, and (``with_failures``) a 404, a
    time-out and an HTML error page."""
    served = Served(files={name: (PUBLISHERS / name).read_bytes() for name in FILES})
    server = RegistryServer(served)
    extra = []
    if with_failures:
        extra = [
            failure_entry(server.base, "gone", "/files/withdrawn-2019.xlsx", "Withdrawn file"),
            failure_entry(server.base, "slow", "/slow/grants.json", "Slow server"),
            failure_entry(server.base, "html", "/error-page/grants.csv", "Error page"),
        ]
    served.registry = build_registry(server.base, FILES, extra)
    return server
