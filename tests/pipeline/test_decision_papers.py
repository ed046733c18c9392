"""Reading decision papers from a folder: PDF (real Kent County Council papers and made ones),
HTML and DOCX; the committee, date, title and URL from a scraper's metadata; scanned PDFs listed
as unreadable with the reason; reading again changes nothing, a changed paper updates."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import Engine, func, select

from data_pipeline.papers.documents import read_document
from data_pipeline.papers.sources import papers_in_folder
from data_pipeline.papers.store import store_papers
from data_pipeline.papers.targets import research_targets
from tests.papers.documents import (
    REAL_PAPERS,
    add_research,
    docx_bytes,
    html_bytes,
    pdf_bytes,
    scanned_pdf_bytes,
)
from warehouse.schema import dim_decision_papers, fct_paper_mentions, fct_paper_pages

CALL_IN = "kent-cc_cabinet_2025-03-04_scrutiny-call-in-family-hubs_report.pdf"
MINUTES = "kent-cc_cabinet_2025-01-30_printed-minutes.pdf"
METADATA = "kent-cc_cabinet_2025-01-30_scraper-metadata.json"


def _papers(engine: Engine) -> dict[str, dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(select(dim_decision_papers)).mappings().all()
    return {str(r["file_name"]): dict(r) for r in rows}


def _page(engine: Engine, paper_id: object, page_no: int) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                select(fct_paper_pages.c.text).where(
                    fct_paper_pages.c.paper_id == paper_id, fct_paper_pages.c.page_no == page_no
                )
            ).scalar_one()
        )


def test_a_real_committee_report_keeps_its_pages_as_printed() -> None:
    document = read_document((REAL_PAPERS / CALL_IN).read_bytes(), CALL_IN)
    assert document.doc_format == "pdf" and document.unreadable_reason is None
    assert len(document.pages) == 3
    assert "Scrutiny Research Officer" in document.pages[0]
    assert "Commissioned Family Hub Contracts Consultation Report" in document.pages[2]


def test_scraper_metadata_gives_committee_date_title_and_url(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    for name in (MINUTES, METADATA, CALL_IN):
        shutil.copy(REAL_PAPERS / name, tmp_path / name)
    results = store_papers(sqlite_engine, papers_in_folder(tmp_path), [])
    assert [r.change for r in results] == ["inserted", "inserted"]
    papers = _papers(sqlite_engine)
    minutes = papers[MINUTES]
    assert minutes["committee"] == "Cabinet"
    assert str(minutes["meeting_date"]) == "2025-01-30"
    assert minutes["title"] == "Printed minutes 30th-Jan-2025 10.00 Cabinet"
    assert str(minutes["url"]).startswith("https://democracy.kent.gov.uk/documents/g9475/")
    assert minutes["location"] == minutes["url"]
    assert minutes["page_count"] == 17
    # Not in that meeting's metadata: the date comes from the file name, the path is the key.
    call_in = papers[CALL_IN]
    assert call_in["committee"] is None and str(call_in["meeting_date"]) == "2025-03-04"
    assert str(call_in["location"]).endswith(CALL_IN)
    assert "Scrutiny Committee" in _page(sqlite_engine, minutes["paper_id"], 1)


def test_html_and_docx_papers_are_read(sqlite_engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "board-2025-06-12.html").write_bytes(
        html_bytes(
            "Health and Wellbeing Board report",
            "<p>The board noted the findings of residents&rsquo; own research.</p>",
        )
    )
    (tmp_path / "cabinet-2025-07-01.docx").write_bytes(
        docx_bytes(["Cabinet report, page one.", "Appendix on page two."], "Food plan report")
    )
    store_papers(sqlite_engine, papers_in_folder(tmp_path), [])
    papers = _papers(sqlite_engine)
    html = papers["board-2025-06-12.html"]
    assert html["doc_format"] == "html" and html["title"] == "Health and Wellbeing Board report"
    text = _page(sqlite_engine, html["paper_id"], 1)
    assert "residents’ own research" in text
    assert "hidden" not in text and "color" not in text  # scripts and styles are not text
    word = papers["cabinet-2025-07-01.docx"]
    assert (word["doc_format"], word["page_count"], word["title"]) == (
        "docx",
        2,
        "Food plan report",
    )
    assert _page(sqlite_engine, word["paper_id"], 2) == "Appendix on page two."


def test_a_scanned_pdf_is_listed_as_unreadable_with_the_reason(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    (tmp_path / "scanned-minutes.pdf").write_bytes(scanned_pdf_bytes())
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    results = {r.file_name: r for r in store_papers(sqlite_engine, papers_in_folder(tmp_path), [])}
    assert "scanned" in str(results["scanned-minutes.pdf"].unreadable_reason)
    assert "OCR" in str(results["scanned-minutes.pdf"].unreadable_reason)
    assert results["broken.pdf"].unreadable_reason
    papers = _papers(sqlite_engine)
    assert papers["scanned-minutes.pdf"]["page_count"] == 0
    assert papers["scanned-minutes.pdf"]["unreadable_reason"]


def test_reading_again_changes_nothing_and_a_changed_paper_updates(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    add_research(sqlite_engine, [("PCR-2024-007", "Damp homes and children's breathing", None)])
    targets = research_targets(sqlite_engine)
    paper = tmp_path / "housing-board-2025-05-01.pdf"
    paper.write_bytes(pdf_bytes(["Agenda item 4.", "The board considered PCR-2024-007."]))
    first = store_papers(sqlite_engine, papers_in_folder(tmp_path), targets)
    again = store_papers(sqlite_engine, papers_in_folder(tmp_path), targets)
    assert [r.change for r in first] == ["inserted"] and [r.change for r in again] == ["unchanged"]
    before = _papers(sqlite_engine)[paper.name]
    paper.write_bytes(
        pdf_bytes(["Agenda item 4, revised.", "Minutes.", "The board considered PCR-2024-007."])
    )
    changed = store_papers(sqlite_engine, papers_in_folder(tmp_path), targets)
    assert [r.change for r in changed] == ["updated"]
    after = _papers(sqlite_engine)[paper.name]
    assert after["paper_id"] == before["paper_id"] and after["page_count"] == 3
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(dim_decision_papers)).scalar() == 1
        assert conn.execute(select(func.count()).select_from(fct_paper_pages)).scalar() == 3
        mention = conn.execute(select(fct_paper_mentions)).mappings().one()
    assert (mention["target_id"], mention["page"], mention["match_kind"]) == (
        "PCR-2024-007",
        3,
        "id",
    )


def test_the_papers_command_lists_unreadable_papers(
    run_cli: object, sqlite_url: str, tmp_path: Path
) -> None:
    (tmp_path / "scanned.pdf").write_bytes(scanned_pdf_bytes())
    (tmp_path / "report.pdf").write_bytes(pdf_bytes(["A readable committee report."]))
    result = run_cli("papers", str(tmp_path), database_url=sqlite_url)  # type: ignore[operator]
    assert result.returncode == 1, result.stderr
    assert "scanned.pdf: unreadable: no text layer" in result.stderr
    again = run_cli("papers", str(tmp_path), database_url=sqlite_url)  # type: ignore[operator]
    assert again.stdout.count("unchanged") == 2
    missing = run_cli("papers", str(tmp_path / "nope"), database_url=sqlite_url)  # type: ignore[operator]
    assert missing.returncode == 2 and "no such file" in missing.stderr
