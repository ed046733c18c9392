"""The data officer's upload on ``/data`` (admin only): at the HTTP level (who may upload, CSRF,
the size limit, a file with one bad row, a file rejected whole, the rejected-row CSVs, what the
page callbacks give each role) and in Chromium (an admin uploads through the form, reads the
summary and the rejected row, downloads the CSV; the public sees no upload and no rejected row).

Each test uploads a researchers register with new ids (consent ``hidden``, so nothing shows on
public pages) and the module removes them afterwards: the shared e2e warehouse ends as it began.
Expected values are read with plain SQL, not with the queries under test.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, text

from data_pipeline.load import load_file
from tests.e2e.conftest import ConsoleErrors, screenshot, serious_accessibility_violations
from tests.e2e.test_auth_http import PASSWORD, client, form_token, signed_in
from tests.e2e.test_auth_http import warehouse as warehouse  # the accounts of every role
from warehouse import load_jobs
from web import upload_jobs

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "docs" / "templates" / "researchers.csv"
PREFIX = "upload-researchers-"
BAD_VALUE = "sometimes"
BAD_ROW = 4
# The /data sections everyone gets (callbacks/quality.py): the rejected rows only as counts.
PUBLIC_SECTIONS = [
    "quality-files",
    "quality-rejected",
    "quality-registers",
    "quality-workstreams",
    "quality-incomplete",
    "quality-downloads",
]  # the header is row 1; the bad researcher is the third data row


def register_file(folder: Path) -> tuple[Path, list[str]]:
    """A researchers register from the template's header: two good rows with new ids and one
    whose consent is not an allowed value. Returns the file and the good ids."""
    token = uuid.uuid4().hex[:10]
    header = TEMPLATE.read_text(encoding="utf-8").splitlines()[0].split(",")
    rows = [
        {"researcher_id": f"UPL-{token}-1", "display_name": "Upload One", "consent": "hidden"},
        {"researcher_id": f"UPL-{token}-2", "display_name": "Upload Two", "consent": "hidden"},
        {"researcher_id": f"UPL-{token}-3", "display_name": "Upload Bad", "consent": BAD_VALUE},
    ]
    path = folder / f"{PREFIX}{token}.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path, [r["researcher_id"] for r in rows[:2]]


def _scalar(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


@pytest.fixture(scope="module", autouse=True)
def leave_the_warehouse_as_it_was(warehouse: Engine) -> Iterator[None]:
    yield
    like = {"like": f"{PREFIX}%"}
    with warehouse.begin() as conn:
        conn.execute(text("DELETE FROM dim_researchers WHERE researcher_id LIKE 'UPL-%'"))
        conn.execute(text("DELETE FROM meta_rejected_rows WHERE file_name LIKE :like"), like)
        conn.execute(
            text(
                "DELETE FROM meta_audit_log WHERE action = 'data.uploaded' AND entity_id IN "
                "(SELECT CAST(load_run_id AS TEXT) FROM meta_load_runs WHERE file_name LIKE :like)"
            ),
            like,
        )
        conn.execute(text("DELETE FROM meta_load_runs WHERE file_name LIKE :like"), like)
        conn.execute(text("DELETE FROM meta_source_files WHERE file_name LIKE :like"), like)


def post_file(test_client: FlaskClient, path: Path, *, token: str | None, **fields: str) -> Any:
    data: dict[str, Any] = {"file": (io.BytesIO(path.read_bytes()), path.name), **fields}
    if token is not None:
        data["csrf_token"] = token
    return test_client.post("/data/upload", data=data, content_type="multipart/form-data")


def admin() -> tuple[FlaskClient, str]:
    test_client = signed_in("admin")
    return test_client, form_token(test_client)


def queued_run_of(response: Any) -> int:
    """The run an upload answered with, at once (its load runs in the background)."""
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/data/loads/(\d+)", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def run_id_of(response: Any) -> int:
    """The run an upload answered with, once its background load has ended."""
    run = queued_run_of(response)
    upload_jobs.wait(run, timeout=120)
    return run


def load_page(test_client: FlaskClient, run: int) -> str:
    """The run page's callback (its detail and whether it stops polling), as JSON text."""
    test_client.get("/data")
    cookie = test_client.get_cookie("_csrf_token")
    answer = test_client.post(
        "/_dash-update-component",
        json={
            "output": "..data-load-detail.children...data-load-poll.disabled..",
            "outputs": [
                {"id": "data-load-detail", "property": "children"},
                {"id": "data-load-poll", "property": "disabled"},
            ],
            "inputs": [
                {"id": "data-load-id", "property": "data", "value": str(run)},
                {"id": "data-load-poll", "property": "n_intervals", "value": 1},
            ],
            "changedPropIds": ["data-load-poll.n_intervals"],
            "state": [],
        },
        headers={"X-CSRFToken": cookie.value} if cookie else {},
    )
    assert answer.status_code == 200, answer.text
    return json.dumps(answer.get_json())


def dash_callback(
    test_client: FlaskClient, output: str | list[str], input_id: str, value: Any
) -> str:
    """POST one callback (one output, or several ``children``) as Dash's renderer does, with
    the CSRF header when signed in; the answer as JSON text."""
    test_client.get("/data")
    cookie = test_client.get_cookie("_csrf_token")
    many = isinstance(output, list)
    names = output if isinstance(output, list) else [output]
    outputs = [{"id": name, "property": "children"} for name in names]
    answer = test_client.post(
        "/_dash-update-component",
        json={
            "output": (
                ".." + "...".join(f"{n}.children" for n in names) + ".."
                if many
                else f"{output}.children"
            ),
            "outputs": outputs if many else outputs[0],
            "inputs": [{"id": input_id, "property": "data", "value": value}],
            "changedPropIds": [f"{input_id}.data"],
            "state": [],
        },
        headers={"X-CSRFToken": cookie.value} if cookie else {},
    )
    assert answer.status_code in (200, 204), answer.text
    # A callback answer never re-sends the session (it could sign a browser back in).
    assert not [c for c in answer.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return json.dumps(answer.get_json()) if answer.status_code == 200 else ""


def load_runs(engine: Engine) -> int:
    return int(_scalar(engine, "SELECT COUNT(*) FROM meta_load_runs"))


# -- HTTP ------------------------------------------------------------------------------------


def test_only_an_admin_may_upload(warehouse: Engine, tmp_path: Path) -> None:
    path, good_ids = register_file(tmp_path)
    before = load_runs(warehouse)

    public = post_file(client(), path, token=None)
    # Signing in returns to a page, never to the upload's address, which only takes a POST.
    assert public.status_code == 302 and public.headers["Location"] == "/sign-in?next=%2F"
    from_the_form = client().post(
        "/data/upload",
        data={"file": (io.BytesIO(path.read_bytes()), path.name)},
        headers={"Referer": "http://localhost/data"},
    )
    assert from_the_form.headers["Location"] == "/sign-in?next=%2Fdata"
    as_json = client().post(
        "/data/upload",
        data={"file": (io.BytesIO(path.read_bytes()), path.name)},
        headers={"Accept": "application/json"},
    )
    assert as_json.status_code == 401
    for role in ("lead", "leadership"):
        test_client = signed_in(role)
        refused = post_file(test_client, path, token=form_token(test_client))
        assert refused.status_code == 403, role

    assert load_runs(warehouse) == before
    placeholders = ", ".join(f"'{i}'" for i in good_ids)
    assert (
        _scalar(
            warehouse,
            f"SELECT COUNT(*) FROM dim_researchers WHERE researcher_id IN ({placeholders})",
        )
        == 0
    )


def test_an_admin_upload_without_the_csrf_token_is_refused(
    warehouse: Engine, tmp_path: Path
) -> None:
    path, _ = register_file(tmp_path)
    before = load_runs(warehouse)
    test_client, _ = admin()
    refused = post_file(test_client, path, token=None)
    assert refused.status_code == 400
    forged = post_file(test_client, path, token="forged.token")
    assert forged.status_code == 400
    assert load_runs(warehouse) == before


def test_an_upload_loads_the_good_rows_and_keeps_the_bad_row_with_its_reason(
    warehouse: Engine, tmp_path: Path
) -> None:
    path, good_ids = register_file(tmp_path)
    test_client, token = admin()

    run = run_id_of(post_file(test_client, path, token=token))

    with warehouse.connect() as conn:
        status, rows_read, inserted, rejected, file_name = conn.execute(
            text(
                "SELECT status, rows_read, rows_inserted, rows_rejected, file_name "
                "FROM meta_load_runs WHERE load_run_id = :run"
            ),
            {"run": run},
        ).one()
        loaded = {
            row[0]
            for row in conn.execute(
                text("SELECT researcher_id FROM dim_researchers WHERE load_run_id = :run"),
                {"run": run},
            )
        }
        audit = conn.execute(
            text(
                "SELECT u.email FROM meta_audit_log a JOIN meta_users u ON u.user_id = a.user_id "
                "WHERE a.action = 'data.uploaded' AND a.entity_id = :run"
            ),
            {"run": str(run)},
        ).all()
    assert (status, rows_read, inserted, rejected) == ("partial", 3, 2, 1)
    assert file_name == path.name  # the original name, kept
    assert loaded == set(good_ids)
    assert [a[0] for a in audit] == ["admin@matrix.example"]

    download = test_client.get(f"/data/loads/{run}/rejected.csv")
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    disposition = download.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="rejected-{run}-{path.stem}.csv"'
    assert "no-store" in download.headers["Cache-Control"]
    rejected_rows = list(csv.DictReader(io.StringIO(download.text)))
    assert len(rejected_rows) == 1
    (row,) = rejected_rows
    assert (row["file_name"], row["row_number"], row["field"]) == (
        path.name,
        str(BAD_ROW),
        "consent",
    )
    assert f"'{BAD_VALUE}'" in row["reason"]
    assert json.loads(row["raw"])["researcher_id"].endswith("-3")

    everything = list(csv.DictReader(io.StringIO(test_client.get("/data/rejected.csv").text)))
    total = _scalar(warehouse, "SELECT COUNT(*) FROM meta_rejected_rows")
    assert len(everything) == total
    assert [r for r in everything if r["file_name"] == path.name] == rejected_rows

    # The run's page (its callback) shows the summary and the row to the admin only.
    shown = load_page(test_client, run)
    assert path.name in shown and "Loaded, with rejected rows" in shown
    assert f"'{BAD_VALUE}'" in shown and f"/data/loads/{run}/rejected.csv" in shown
    for role in ("public", "lead", "leadership"):
        other = load_page(signed_in(role), run)
        assert "Sign in as an administrator" in other, role
        assert path.name not in other and BAD_VALUE not in other, role
        assert signed_in(role).get(f"/data/loads/{run}/rejected.csv").status_code in (302, 403)


def test_on_the_data_page_only_an_admin_gets_the_form_and_the_rejected_rows(
    warehouse: Engine, tmp_path: Path
) -> None:
    path, _ = register_file(tmp_path)
    test_client, token = admin()
    run_id_of(post_file(test_client, path, token=token))

    mine = dash_callback(test_client, "data-admin", "quality-loaded", True)
    assert '"action": "/data/upload"' in mine and '"encType": "multipart/form-data"' in mine
    assert '"name": "csrf_token"' in mine and '"type": "file"' in mine
    assert "register-researchers-csv" in mine  # the formats offered
    assert path.name in mine and f"'{BAD_VALUE}'" in mine
    for role in ("public", "lead", "leadership"):
        other = dash_callback(signed_in(role), "data-admin", "quality-loaded", True)
        assert "/data/upload" not in other and path.name not in other, role
        # The public counts of rejected rows mask the value.
        counts = dash_callback(signed_in(role), PUBLIC_SECTIONS, "quality-loaded", True)
        assert path.name in counts and "(value withheld)" in counts, role
        assert BAD_VALUE not in counts and "raw" not in counts, role


def test_a_file_rejected_whole_is_recorded_with_its_reason(
    warehouse: Engine, tmp_path: Path
) -> None:
    path = tmp_path / f"{PREFIX}{uuid.uuid4().hex[:10]}.json"
    path.write_text('{"grants": [ {"id": "360G-x", ', encoding="utf-8")
    before = _scalar(warehouse, "SELECT COUNT(*) FROM meta_source_files")
    test_client, token = admin()

    run = run_id_of(post_file(test_client, path, token=token))

    with warehouse.connect() as conn:
        status, message, source = conn.execute(
            text(
                "SELECT status, message, source_file_id FROM meta_load_runs "
                "WHERE load_run_id = :run"
            ),
            {"run": run},
        ).one()
    assert status == "rejected" and source is None and message
    assert _scalar(warehouse, "SELECT COUNT(*) FROM meta_source_files") == before
    shown = load_page(test_client, run)
    assert "Rejected whole" in shown and message[:40] in shown


def test_an_upload_over_the_size_limit_or_without_a_file_is_explained(
    warehouse: Engine, tmp_path: Path
) -> None:
    from app import server

    path, _ = register_file(tmp_path)
    test_client, token = admin()
    before = load_runs(warehouse)
    limit = server.config["MAX_CONTENT_LENGTH"]
    assert limit == 200 * 1024 * 1024
    server.config["MAX_CONTENT_LENGTH"] = 200
    try:
        too_big = post_file(test_client, path, token=token)
    finally:
        server.config["MAX_CONTENT_LENGTH"] = limit
    assert too_big.status_code == 413
    assert "The file is larger than 200 bytes, the most one upload may be." in too_big.text

    empty = test_client.post(
        "/data/upload", data={"csrf_token": token}, content_type="multipart/form-data"
    )
    assert empty.status_code == 400 and "Choose a file to upload." in empty.text
    unknown = post_file(test_client, path, token=token, format="not-a-format")
    assert unknown.status_code == 400 and "not a format the pipeline knows" in unknown.text
    assert load_runs(warehouse) == before


def test_an_upload_answers_before_its_load_ends_and_the_page_follows_the_load(
    warehouse: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, good_ids = register_file(tmp_path)
    gate = threading.Event()
    stored: list[Path] = []
    real_load = load_file

    def held_load(engine: Engine, file: Path, *args: Any, **kwargs: Any) -> Any:
        stored.append(file)
        assert gate.wait(120), "the test never let the load go"
        return real_load(engine, file, *args, **kwargs)

    monkeypatch.setattr(upload_jobs, "load_file", held_load)
    test_client, token = admin()

    run = queued_run_of(post_file(test_client, path, token=token))  # answered, load held

    status = _scalar(warehouse, "SELECT status FROM meta_load_runs WHERE load_run_id = :r", r=run)
    assert status in ("queued", "running")
    waiting = load_page(test_client, run)
    assert path.name in waiting and ("Waiting to load" in waiting or "Still loading" in waiting)
    assert '"data-load-poll": {"disabled": false}' in waiting  # the page keeps polling
    gate.set()
    upload_jobs.wait(run, timeout=120)

    done = load_page(test_client, run)
    assert "Loaded, with rejected rows" in done and '"disabled": true' in done
    assert (
        _scalar(warehouse, "SELECT status FROM meta_load_runs WHERE load_run_id = :r", r=run)
        == "partial"
    )
    placeholders = ", ".join(f"'{i}'" for i in good_ids)
    assert (
        _scalar(
            warehouse,
            f"SELECT COUNT(*) FROM dim_researchers WHERE researcher_id IN ({placeholders})",
        )
        == 2
    )
    # The file was stored under a name the server chose, and removed after its load.
    (file,) = stored
    assert re.fullmatch(r"[0-9a-f]{32}\.csv", file.name)
    assert not file.exists()


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/{name}", "{name}"),
        # Werkzeug's header parser reads "\\" as an escape, so the server gets "..name".
        ("..\\{name}", "..{name}"),
        ("{stem}\x00\x1b[31m\u202e.csv", "{stem}[31m.csv"),
    ],
)
def test_a_hostile_file_name_is_stored_safely_and_shown_as_text(
    warehouse: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sent: str, kept: str
) -> None:
    path, _ = register_file(tmp_path)
    stored: list[Path] = []
    real_load = load_file

    def watched_load(engine: Engine, file: Path, *args: Any, **kwargs: Any) -> Any:
        stored.append(file)
        return real_load(engine, file, *args, **kwargs)

    monkeypatch.setattr(upload_jobs, "load_file", watched_load)
    names = {"name": path.name, "stem": path.stem}
    test_client, token = admin()
    response = test_client.post(
        "/data/upload",
        data={
            "file": (io.BytesIO(path.read_bytes()), sent.format(**names)),
            "csrf_token": token,
        },
        content_type="multipart/form-data",
    )
    run = run_id_of(response)

    (file,) = stored
    assert re.fullmatch(r"[0-9a-f]{32}\.csv", file.name)
    assert file.parent.parent == Path(tempfile.gettempdir())
    recorded = _scalar(
        warehouse, "SELECT file_name FROM meta_load_runs WHERE load_run_id = :r", r=run
    )
    assert recorded == kept.format(**names)
    shown = load_page(test_client, run)
    assert json.dumps(kept.format(**names))[1:-1] in shown and "\\u0000" not in shown
    assert "Loaded, with rejected rows" in shown


def test_a_load_whose_server_process_is_gone_is_shown_failed(warehouse: Engine) -> None:
    """A worker killed mid-load leaves its run unfinished: the page marks it failed."""
    host = socket.gethostname()
    dead = max(int(p) for p in os.listdir("/proc") if p.isdigit()) + 100_000
    runs = []
    with warehouse.begin() as conn:
        for worker in (f"{host}:{dead}", f"{host}:{os.getpid()}"):
            runs.append(
                conn.execute(
                    text(
                        "INSERT INTO meta_load_runs (file_name, sha256, started_at, status, "
                        "stage, fraction, worker, rows_read, rows_inserted, rows_updated, "
                        "rows_unchanged, rows_rejected) VALUES (:name, :sha, CURRENT_TIMESTAMP, "
                        "'running', 'loading', 0.6, :worker, 0, 0, 0, 0, 0) "
                        "RETURNING load_run_id"
                    ),
                    {"name": f"{PREFIX}stale.csv", "sha": "0" * 64, "worker": worker},
                ).scalar_one()
            )
    test_client, _ = admin()
    for run in runs:
        shown = load_page(test_client, run)
        assert "Failed: nothing was loaded" in shown and "server restarted" in shown
        assert (
            _scalar(warehouse, "SELECT status FROM meta_load_runs WHERE load_run_id = :r", r=run)
            == "failed"
        )
    assert load_jobs.fail_stale_runs(warehouse) == [] or all(
        r not in load_jobs.fail_stale_runs(warehouse) for r in runs
    )


# -- Browser ---------------------------------------------------------------------------------


def sign_in_as_admin(page: Page, live_server: str, warehouse: Engine) -> None:
    page.goto(live_server + "/sign-in?next=/data")
    page.get_by_label("Email").fill("admin@matrix.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server + "/data")


def test_an_admin_uploads_a_file_and_reads_its_rejected_rows(
    live_server: str,
    warehouse: Engine,
    page: Page,
    console_errors: ConsoleErrors,
    tmp_path: Path,
) -> None:
    path, good_ids = register_file(tmp_path)
    sign_in_as_admin(page, live_server, warehouse)
    form = page.locator("#data-upload-form")
    expect(form).to_be_visible()
    screenshot(page, "data-upload-form")
    assert serious_accessibility_violations(page) == []

    page.get_by_label("File (CSV, XLSX or JSON)").set_input_files(str(path))
    page.get_by_label("Format").select_option("register-researchers-csv")
    # What the officer sees while the file loads: this one submission is stopped in the page
    # (after the site's own handler has run), so the page stays to be read.
    page.evaluate("document.addEventListener('submit', e => e.preventDefault(), {once: true})")
    page.get_by_role("button", name="Upload and load").click()
    expect(page.locator("#data-upload-progress")).to_have_text(
        f"Uploading and loading {path.name}. A large file can take a few minutes; keep this "
        "page open. Its load summary opens when it is done."
    )
    expect(page.get_by_role("button", name="Loading…")).to_be_disabled()  # no second load
    screenshot(page, "data-upload-in-progress")
    page.locator("#data-upload-form").evaluate("form => form.submit()")

    expect(page).to_have_url(re.compile(r"/data/loads/\d+$"))
    run = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("#data-load-status")).to_have_text("Loaded, with rejected rows")
    expect(page.locator("#data-load-file")).to_have_text(path.name)
    expect(page.locator("#data-load-read")).to_contain_text("3")
    expect(page.locator("#data-load-inserted")).to_contain_text("2")
    expect(page.locator("#data-load-rejected")).to_contain_text("1")
    grid_rows = page.locator("#data-load-grid .ag-center-cols-container .ag-row")
    expect(grid_rows).to_have_count(1)
    expect(grid_rows.first).to_contain_text("consent")
    expect(grid_rows.first).to_contain_text(f"'{BAD_VALUE}' is not one of")
    expect(page.locator("#data-load-grid .ag-row").first).to_contain_text(str(BAD_ROW))
    assert serious_accessibility_violations(page) == []
    screenshot(page, "data-load-run")

    with page.expect_download() as downloading:
        page.locator("#data-load-csv").click()
    download = downloading.value
    assert download.suggested_filename == f"rejected-{run}-{path.stem}.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert [(r["file_name"], r["row_number"], r["field"]) for r in rows] == [
        (path.name, str(BAD_ROW), "consent")
    ]
    placeholders = ", ".join(f"'{i}'" for i in good_ids)
    assert (
        _scalar(
            warehouse,
            f"SELECT COUNT(*) FROM dim_researchers WHERE researcher_id IN ({placeholders})",
        )
        == 2
    )

    # Back on /data, the admin's list of every rejected row holds it, linked to its run.
    page.goto(live_server + "/data")
    listed = page.locator("#data-all-rejected-grid .ag-row", has_text=path.name)
    expect(listed.first).to_be_visible()
    expect(listed.first.get_by_role("link", name=str(run))).to_have_attribute(
        "href", f"/data/loads/{run}"
    )
    assert console_errors == []


def test_the_public_sees_no_upload_and_no_rejected_row(
    live_server: str,
    warehouse: Engine,
    page: Page,
    console_errors: ConsoleErrors,
    tmp_path: Path,
) -> None:
    path, _ = register_file(tmp_path)
    test_client, token = admin()
    run = run_id_of(post_file(test_client, path, token=token))

    page.goto(live_server + "/data")
    counts = page.locator("#quality-rejected tr.quality-rejected-row", has_text=path.name)
    expect(counts).to_have_count(1)
    expect(counts).to_contain_text("(value withheld)")
    expect(page.locator("#data-admin")).to_be_empty()
    assert page.locator("#data-upload-form").count() == 0
    assert page.locator(".ag-root").count() == 0
    assert BAD_VALUE not in page.content()

    page.goto(f"{live_server}/data/loads/{run}")
    notice = page.locator("#data-load-admins-only")
    expect(notice).to_contain_text("Sign in as an administrator")
    assert path.name not in page.content() and BAD_VALUE not in page.content()
    screenshot(page, "data-load-run-public")
    assert serious_accessibility_violations(page) == []
    assert console_errors == []


def test_a_file_that_cannot_be_read_is_explained_on_its_page(
    live_server: str,
    warehouse: Engine,
    page: Page,
    console_errors: ConsoleErrors,
    tmp_path: Path,
) -> None:
    path = tmp_path / f"{PREFIX}{uuid.uuid4().hex[:10]}.json"
    path.write_text('{"grants": [ {"id": "360G-x", ', encoding="utf-8")
    sign_in_as_admin(page, live_server, warehouse)
    page.get_by_label("File (CSV, XLSX or JSON)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and load").click()

    expect(page).to_have_url(re.compile(r"/data/loads/\d+$"))
    expect(page.locator("#data-load-status")).to_have_text("Rejected whole: nothing was loaded")
    run = int(page.url.rsplit("/", 1)[1])
    message = _scalar(
        warehouse, "SELECT message FROM meta_load_runs WHERE load_run_id = :run", run=run
    )
    expect(page.locator("#data-load-message")).to_contain_text(str(message))
    assert str(message).startswith(f"{path.name}:")  # names the file, as the CLI does
    expect(page.locator("#data-load-counts")).to_have_count(0)  # no rows were read
    screenshot(page, "data-load-rejected-whole")
    assert serious_accessibility_violations(page) == []
    assert console_errors == []


def test_an_upload_refreshes_the_cached_api_answers(warehouse: Engine, tmp_path: Path) -> None:
    """The API and embeds are cached by load generation: an upload is a new load run, so the
    next answer is computed afresh, with a new validator."""
    url = "/api/v1/grants.json?per_page=1"
    reader = client()
    reader.get(url)
    cached = reader.get(url)
    assert cached.headers["X-Cache"] == "HIT"
    path, _ = register_file(tmp_path)
    test_client, token = admin()
    run_id_of(post_file(test_client, path, token=token))

    fresh = reader.get(url)
    assert fresh.status_code == 200
    assert fresh.headers["X-Cache"] == "MISS"
    assert fresh.headers["ETag"] != cached.headers["ETag"]
