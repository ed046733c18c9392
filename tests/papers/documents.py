"""Decision papers made for the tests: PDFs (with a text layer, or scanned: images only),
HTML and DOCX, and a local HTTP server that answers as a ModernGov site."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
REAL_PAPERS = REAL / "decision-papers"
REAL_MODERNGOV = REAL / "moderngov"


def pdf_bytes(pages: list[str], title: str | None = None) -> bytes:
    """A PDF with a text layer, one string per page."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    if title:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text.encode("latin-1", "replace").decode("latin-1"))
    return bytes(pdf.output())


def scanned_pdf_bytes() -> bytes:
    """A PDF whose only page is a picture of text, as a scanner makes: no text layer."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(picture).text(
        (20, 80), "Minutes of the Health and Wellbeing Board", fill="black"
    )
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(buffer.getvalue()), x=10, y=10, w=180)
    return bytes(pdf.output())


def docx_bytes(pages: list[str], title: str | None = None) -> bytes:
    """A Word document with a page break between pages."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    if title:
        document.core_properties.title = title
    for number, text in enumerate(pages):
        paragraph = document.add_paragraph()
        if number:
            paragraph.add_run().add_break(WD_BREAK.PAGE)
        paragraph.add_run(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def html_bytes(title: str, body: str) -> bytes:
    return (
        f"<!doctype html><html><head><title>{title}</title><style>p{{color:red}}</style>"
        f"</head><body><h1>{title}</h1>{body}<script>var hidden = 'no';</script></body></html>"
    ).encode()


@contextmanager
def local_site(answers: Mapping[str, bytes]) -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 answering each path-and-query in ``answers`` (404 else);
    yields its address and the list of paths asked for."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            body = answers.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"Not found")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", asked
    finally:
        server.shutdown()
        server.server_close()


def add_research(
    engine: object,
    projects: list[tuple[str, str, str | None]],
    outputs: list[tuple[str, int, str]] = (),  # type: ignore[assignment]
) -> None:
    """Put projects (id, title, provider name) and outputs (project id, number, title) in the
    warehouse as a register load would."""
    from sqlalchemy import insert

    from warehouse.schema import dim_projects, fct_project_outputs

    with engine.begin() as conn:  # type: ignore[attr-defined]
        for project_id, title, provider in projects:
            conn.execute(
                insert(dim_projects).values(
                    project_id=project_id,
                    title=title,
                    provider_name=provider,
                    status="completed",
                    is_published=True,
                    row_hash="test",
                )
            )
        for project_id, number, title in outputs:
            conn.execute(
                insert(fct_project_outputs).values(
                    project_id=project_id, output_no=number, title=title, row_hash="test"
                )
            )
