"""The ModernGov client against a local HTTP server (127.0.0.1) that answers with recorded
responses of a real site's web service: committees, meetings (the cancelled one skipped), the
agenda and minutes text of a meeting, and its linked documents downloaded from the same site
(one a scanned PDF, listed as unreadable). An HTML error page instead of XML is refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select

from data_pipeline.papers.moderngov import ModernGovClient, ModernGovError, moderngov_papers
from data_pipeline.papers.store import store_papers
from data_pipeline.papers.targets import research_targets
from tests.papers.documents import (
    REAL_MODERNGOV,
    add_research,
    local_site,
    pdf_bytes,
    scanned_pdf_bytes,
)
from warehouse.schema import dim_decision_papers, fct_paper_mentions

SINCE, UNTIL = date(2026, 1, 1), date(2026, 3, 31)
MEETINGS = (
    "/mgWebService.asmx/GetMeetings?lCommitteeId=144"
    "&sFromDate=01%2F01%2F2026&sToDate=31%2F03%2F2026"
)


def _recorded(name: str) -> bytes:
    return (REAL_MODERNGOV / f"manchester-cc_{name}_lgsf-trimmed.xml").read_bytes()


def _answers() -> dict[str, bytes]:
    return {
        "/mgWebService.asmx/GetCommittees": _recorded("GetCommittees"),
        MEETINGS: _recorded("GetMeetings_audit-committee-144"),
        "/mgWebService.asmx/GetMeeting?lMeetingId=4967": _recorded(
            "GetMeeting_4967_with-linkeddocs"
        ),
        "/mgWebService.asmx/GetMeeting?lMeetingId=4966": _recorded("GetMeeting_4966_cancelled"),
        "/mgConvert2PDF.aspx?ID=60860": pdf_bytes(
            ["Minutes of the Audit Committee.", "The committee noted the PCR-2025-031 findings."],
            title="Minutes of the Audit Committee 25 November 2025",
        ),
        "/mgConvert2PDF.aspx?ID=60909": scanned_pdf_bytes(),
    }


def test_committees_and_meetings_are_read_from_the_recorded_answers() -> None:
    with local_site(_answers()) as (site, asked):
        client = ModernGovClient(site)
        committees = client.committees()
        assert [(c.committee_id, c.title, c.expired) for c in committees] == [
            (312, "Appointment Sub Committee for Director of Adult Social Services", True),
            (163, "Art Galleries Committee", False),
            (144, "Audit Committee", False),
        ]
        meetings = client.meetings(committees[2], SINCE, UNTIL)
        assert [(m.meeting_id, m.meeting_date, m.status) for m in meetings] == [
            (4966, date(2026, 1, 13), "Cancelled"),
            (4967, date(2026, 2, 10), "Confirmed"),
        ]
        papers = client.meeting_papers(4967)
    assert [d.url for d in papers.documents] == [
        "https://democracy.manchester.gov.uk/mgConvert2PDF.aspx?ID=60860",
        "https://democracy.manchester.gov.uk/mgConvert2PDF.aspx?ID=60909",
    ]
    assert '<p class="MsoNormal">' in papers.agenda_html  # the escaped HTML, unescaped once
    assert MEETINGS in asked


def test_a_sites_meetings_become_papers_kept_with_their_committee_and_date(
    sqlite_engine: Engine,
) -> None:
    add_research(sqlite_engine, [("PCR-2025-031", "Residents' audit of council services", None)])
    with local_site(_answers()) as (site, asked):
        client = ModernGovClient(site)
        sources = list(moderngov_papers(client, SINCE, UNTIL, {144}))
        results = store_papers(sqlite_engine, sources, research_targets(sqlite_engine))
        again = store_papers(
            sqlite_engine,
            list(moderngov_papers(client, SINCE, UNTIL, {144})),
            research_targets(sqlite_engine),
        )
    assert not any("4966" in path for path in asked if "GetMeeting?" in path)  # cancelled
    assert all(path.startswith("/mg") for path in asked)  # nothing but the local site
    assert [r.change for r in again] == ["unchanged"] * 3
    by_file = {r.file_name: r for r in results}
    assert set(by_file) == {"meeting-4967.html", "attachment-60860", "attachment-60909"}
    assert "scanned" in str(by_file["attachment-60909"].unreadable_reason)
    with sqlite_engine.connect() as conn:
        papers = {r.file_name: r for r in conn.execute(select(dim_decision_papers)).all()}
        mention = conn.execute(select(fct_paper_mentions)).one()
    minutes = papers["attachment-60860"]
    assert minutes.committee == "Audit Committee" and minutes.meeting_date == date(2026, 2, 10)
    assert minutes.url == "https://democracy.manchester.gov.uk/mgConvert2PDF.aspx?ID=60860"
    assert minutes.title == "6 - CHAIR APPROVED  Minutes Audit Committee 25 Nov 2025"
    agenda = papers["meeting-4967.html"]
    assert agenda.url == f"{site}/ieListDocuments.aspx?CId=144&MId=4967"
    assert agenda.title == "Audit Committee, 10 February 2026: agenda and minutes"
    assert (mention.paper_id, mention.page) == (minutes.paper_id, 2)


def test_an_html_error_page_is_refused_by_name() -> None:
    error_page = REAL_MODERNGOV / "leeds_GetCouncillorsByWard_2016-02_sharepoint-error-html.xml"
    answers = {"/mgWebService.asmx/GetCommittees": error_page.read_bytes()}
    refused = "GetCommittees: the site answered with an HTML"
    with local_site(answers) as (site, _), pytest.raises(ModernGovError, match=refused):
        ModernGovClient(site).committees()


def test_a_site_that_does_not_answer_is_an_error_not_a_traceback(
    run_cli: object, sqlite_url: str
) -> None:
    with local_site({}) as (site, _):
        result = run_cli("papers", "--moderngov", site, database_url=sqlite_url)  # type: ignore[operator]
    assert result.returncode == 2
    assert "GetCommittees" in result.stderr and "Traceback" not in result.stderr
