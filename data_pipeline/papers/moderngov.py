"""A client of a ModernGov site's web service (``mgWebService.asmx``), and the papers of its
meetings.

The service answers GET requests at ``<site>/mgWebService.asmx/<Operation>?<parameters>`` with
bare XML (no namespace, no SOAP envelope). What this client relies on, as real sites write it:
- ``GetCommittees``: ``<committees><committee>`` with ``committeeid``, ``committeetitle``,
  ``committeedeleted``, ``committeeexpired`` (``True``/``False``).
- ``GetMeetings?lCommitteeId=&sFromDate=&sToDate=`` (dates ``dd/mm/yyyy``): ``<getmeetings>``
  with meetings nested in ``<committee><committeemeetings><meeting>`` (``meetingid``,
  ``meetingdate``, ``meetingstatus``).
- ``GetMeeting?lMeetingId=``: ``<meeting>`` with ``<agendaitems><agendaitem>`` holding
  ``agendaitemtitle``, ``agendatext`` and ``minutesnonemptyhtmlbody`` (HTML, entity-escaped in
  the XML) and ``<linkeddocuments><linkeddoc>`` (``attachmentid``, ``title``, ``url``,
  ``isrestricted``, ``committeetitle``).
Counts are padded with spaces, empty elements hold whitespace, and an element may be missing.

Rules:
- Cancelled meetings, restricted documents and expired or deleted committees (unless asked
  for) are skipped.
- Each meeting's agenda and minutes text becomes one HTML paper (its address is the meeting's
  page, ``ieListDocuments.aspx?CId=&MId=``); each linked document is a paper of its own.
- A linked document is downloaded from the site being read (the path and query of its URL on
  that site), and keeps its published URL.
- An answer that is not the service's XML (an HTML error page, a broken document) raises
  ``ModernGovError`` naming the operation.
"""

from __future__ import annotations

import html
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree

from data_pipeline.papers.sources import PaperSource

Fetch = Callable[[str], bytes]
TIMEOUT_SECONDS = 60
USER_AGENT = "pc-research-observatory (decision papers)"


class ModernGovError(Exception):
    """The site did not answer as a ModernGov web service does."""


@dataclass(frozen=True)
class Committee:
    committee_id: int
    title: str
    expired: bool
    deleted: bool


@dataclass(frozen=True)
class Meeting:
    meeting_id: int
    committee_id: int
    committee: str
    meeting_date: date | None
    status: str


@dataclass(frozen=True)
class LinkedDocument:
    attachment_id: str
    title: str
    url: str
    restricted: bool


@dataclass(frozen=True)
class MeetingPapers:
    meeting_id: int
    meeting_date: date | None
    agenda_html: str
    documents: tuple[LinkedDocument, ...]


def http_fetch(url: str) -> bytes:
    """GET ``url`` and return its body (HTTP errors raise ``ModernGovError``)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body: bytes = response.read()
            return body
    except OSError as error:
        raise ModernGovError(f"{url}: {error}") from error


class ModernGovClient:
    """The web service of one ModernGov site, e.g. ``https://democracy.example.gov.uk``."""

    def __init__(self, site: str, fetch: Fetch = http_fetch) -> None:
        self.site = site.rstrip("/")
        self.fetch = fetch

    def committees(self) -> list[Committee]:
        """Every committee the site lists."""
        root = self._call("GetCommittees", {})
        return [
            Committee(
                committee_id=int(_text(node, "committeeid") or 0),
                title=_text(node, "committeetitle") or "",
                expired=_flag(node, "committeeexpired"),
                deleted=_flag(node, "committeedeleted"),
            )
            for node in root.iter("committee")
            if (_text(node, "committeeid") or "").isdigit()
        ]

    def meetings(self, committee: Committee, since: date, until: date) -> list[Meeting]:
        """The committee's meetings from ``since`` to ``until``."""
        root = self._call(
            "GetMeetings",
            {
                "lCommitteeId": str(committee.committee_id),
                "sFromDate": since.strftime("%d/%m/%Y"),
                "sToDate": until.strftime("%d/%m/%Y"),
            },
        )
        return [
            Meeting(
                meeting_id=int(_text(node, "meetingid") or 0),
                committee_id=committee.committee_id,
                committee=committee.title,
                meeting_date=_dmy(_text(node, "meetingdate")),
                status=_text(node, "meetingstatus") or "",
            )
            for node in root.iter("meeting")
            if (_text(node, "meetingid") or "").isdigit()
        ]

    def meeting_papers(self, meeting_id: int) -> MeetingPapers:
        """A meeting's agenda and minutes text, and its linked documents."""
        root = self._call("GetMeeting", {"lMeetingId": str(meeting_id)})
        parts: list[str] = []
        documents: list[LinkedDocument] = []
        for item in root.iter("agendaitem"):
            title = _text(item, "agendaitemtitle") or ""
            number = _text(item, "fulldisplaynumberformat") or ""
            parts.append(f"<h2>{html.escape(f'{number} {title}'.strip())}</h2>")
            for name in ("agendatext", "minutesnonemptyhtmlbody"):
                body = _text(item, name)
                if body:
                    parts.append(f"<div>{body}</div>")
            for doc in item.iter("linkeddoc"):
                url = _text(doc, "url")
                if url:
                    documents.append(
                        LinkedDocument(
                            attachment_id=_text(doc, "attachmentid") or url,
                            title=_text(doc, "title") or url,
                            url=url,
                            restricted=_flag(doc, "isrestricted"),
                        )
                    )
        return MeetingPapers(
            meeting_id, _dmy(_text(root, "meetingdate")), "\n".join(parts), tuple(documents)
        )

    def meeting_url(self, meeting: Meeting) -> str:
        """The public page of a meeting."""
        return (
            f"{self.site}/ieListDocuments.aspx?CId={meeting.committee_id}&MId={meeting.meeting_id}"
        )

    def on_this_site(self, url: str) -> str:
        """``url``'s path and query on the site being read."""
        parts = urllib.parse.urlsplit(url)
        query = f"?{parts.query}" if parts.query else ""
        return f"{self.site}{parts.path}{query}"

    def _call(self, operation: str, parameters: dict[str, str]) -> etree._Element:
        query = f"?{urllib.parse.urlencode(parameters)}" if parameters else ""
        url = f"{self.site}/mgWebService.asmx/{operation}{query}"
        body = self.fetch(url)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            root = etree.fromstring(body, parser)
        except etree.XMLSyntaxError as error:
            kind = "an HTML page" if b"<html" in body[:2000].lower() else "not XML"
            raise ModernGovError(
                f"{operation}: the site answered with {kind}, not the web service's XML ({error})"
            ) from error
        if etree.QName(root).localname.lower() == "html":
            raise ModernGovError(f"{operation}: the site answered with an HTML page, not XML")
        return root


def moderngov_papers(
    client: ModernGovClient,
    since: date,
    until: date,
    committee_ids: set[int] | None = None,
    include_expired: bool = False,
) -> Iterator[PaperSource]:
    """The papers of every meeting from ``since`` to ``until`` of the site's committees (or of
    ``committee_ids``)."""
    for committee in client.committees():
        if committee_ids is not None and committee.committee_id not in committee_ids:
            continue
        if (
            committee_ids is None
            and not include_expired
            and (committee.expired or committee.deleted)
        ):
            continue
        for meeting in client.meetings(committee, since, until):
            if meeting.status.lower() == "cancelled":
                continue
            papers = client.meeting_papers(meeting.meeting_id)
            meeting_date = meeting.meeting_date or papers.meeting_date
            day = f"{meeting_date:%d %B %Y}" if meeting_date else ""
            if papers.agenda_html.strip():
                page = client.meeting_url(meeting)
                title = f"{committee.title}, {day}: agenda and minutes".replace(", :", ":")
                yield PaperSource(
                    location=page,
                    source="moderngov",
                    data=(
                        f"<html><head><title>{html.escape(title)}</title></head><body>"
                        f"{papers.agenda_html}</body></html>"
                    ).encode(),
                    file_name=f"meeting-{meeting.meeting_id}.html",
                    committee=committee.title,
                    meeting_date=meeting_date,
                    title=title,
                    url=page,
                )
            for document in papers.documents:
                if document.restricted:
                    continue
                yield PaperSource(
                    location=document.url,
                    source="moderngov",
                    data=client.fetch(client.on_this_site(document.url)),
                    file_name=f"attachment-{document.attachment_id}",
                    committee=committee.title,
                    meeting_date=meeting_date,
                    title=document.title,
                    url=document.url,
                )


def _text(node: etree._Element, name: str) -> str | None:
    found = node.find(name)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _flag(node: etree._Element, name: str) -> bool:
    return (_text(node, name) or "").lower() == "true"


def _dmy(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None
