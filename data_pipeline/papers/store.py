"""Keeping decision papers and their candidate mentions in the warehouse, idempotently.

Rules:
- A paper's natural key is its ``location`` (published URL, else path). Reading the same bytes
  with the same metadata again changes nothing. Changed bytes or metadata update the paper,
  replace its page texts and match it again.
- Candidates (``fct_paper_mentions``) are keyed by paper and target. A reload refreshes a
  *pending* candidate's score, page and snippet, and removes a pending one that the paper no
  longer supports. A candidate a lead has confirmed or dismissed is never touched again: a
  dismissed one does not come back.
- An unreadable paper is kept, with the reason and no pages, so it is listed, not lost.
- Each paper is written in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, delete, insert, select, update

from data_pipeline.papers.documents import ReadDocument, read_document
from data_pipeline.papers.mentions import Mention, Target, find_mentions
from data_pipeline.papers.sources import PaperSource
from warehouse.schema import dim_decision_papers, fct_paper_mentions, fct_paper_pages

_p = dim_decision_papers.c
_m = fct_paper_mentions.c
PENDING = "pending"


@dataclass(frozen=True)
class PaperResult:
    """What happened to one paper."""

    location: str
    file_name: str
    title: str
    change: str  # inserted, updated or unchanged
    pages: int
    candidates: int
    unreadable_reason: str | None


def store_papers(
    engine: Engine, sources: Iterable[PaperSource], targets: Sequence[Target]
) -> list[PaperResult]:
    """Read, match and keep each paper (one transaction each)."""
    results = []
    for source in sources:
        document = read_document(source.data, source.file_name)
        mentions = find_mentions(document.pages, targets)
        with engine.begin() as conn:
            results.append(store_paper(conn, source, document, mentions))
    return results


def store_paper(
    conn: Connection, source: PaperSource, document: ReadDocument, mentions: Sequence[Mention]
) -> PaperResult:
    """Upsert one paper, its pages and its pending candidates."""
    now = datetime.now(UTC)
    values: dict[str, object] = {
        "source": source.source,
        "committee": source.committee,
        "meeting_date": source.meeting_date,
        "title": (source.title or document.title)[:500],
        "url": source.url,
        "file_name": source.file_name,
        "doc_format": document.doc_format,
        "sha256": source.sha256,
        "page_count": len(document.pages),
        "unreadable_reason": document.unreadable_reason,
    }
    row = (
        conn.execute(select(dim_decision_papers).where(_p.location == source.location))
        .mappings()
        .first()
    )
    if row is not None and all(row[k] == v for k, v in values.items()):
        return _result(source, values, "unchanged", _count_candidates(conn, row["paper_id"]))
    if row is None:
        paper_id = conn.execute(
            insert(dim_decision_papers)
            .values(location=source.location, first_read_at=now, last_read_at=now, **values)
            .returning(_p.paper_id)
        ).scalar_one()
        change = "inserted"
    else:
        paper_id = row["paper_id"]
        conn.execute(
            update(dim_decision_papers)
            .where(_p.paper_id == paper_id)
            .values(last_read_at=now, **values)
        )
        conn.execute(delete(fct_paper_pages).where(fct_paper_pages.c.paper_id == paper_id))
        change = "updated"
    if document.pages:
        conn.execute(
            insert(fct_paper_pages),
            [
                {"paper_id": paper_id, "page_no": number, "text": text}
                for number, text in enumerate(document.pages, start=1)
            ],
        )
    replace_pending_mentions(conn, paper_id, mentions)
    return _result(source, values, change, _count_candidates(conn, paper_id))


def replace_pending_mentions(conn: Connection, paper_id: int, mentions: Sequence[Mention]) -> None:
    """Make the paper's pending candidates the ``mentions``, leaving reviewed ones alone."""
    existing = {
        (r.target_kind, r.target_id): r.status
        for r in conn.execute(
            select(_m.target_kind, _m.target_id, _m.status).where(_m.paper_id == paper_id)
        )
    }
    found = {(m.target.kind, m.target.target_id) for m in mentions}
    stale = [key for key, status in existing.items() if status == PENDING and key not in found]
    for kind, target_id in stale:
        conn.execute(
            delete(fct_paper_mentions).where(
                _m.paper_id == paper_id, _m.target_kind == kind, _m.target_id == target_id
            )
        )
    for mention in mentions:
        key = (mention.target.kind, mention.target.target_id)
        values = {
            "target_label": mention.target.label,
            "project_id": mention.target.project_id,
            "match_kind": mention.match_kind,
            "matched_text": mention.matched_text[:500],
            "score": mention.score,
            "page": mention.page,
            "snippet": mention.snippet,
        }
        if key not in existing:
            conn.execute(
                insert(fct_paper_mentions).values(
                    paper_id=paper_id,
                    target_kind=key[0],
                    target_id=key[1],
                    status=PENDING,
                    **values,
                )
            )
        elif existing[key] == PENDING:
            conn.execute(
                update(fct_paper_mentions)
                .where(_m.paper_id == paper_id, _m.target_kind == key[0], _m.target_id == key[1])
                .values(**values)
            )


def rematch_papers(engine: Engine, targets: Sequence[Target]) -> int:
    """Match every stored paper again (after the registers changed); returns papers matched."""
    with engine.begin() as conn:
        paper_ids = list(conn.execute(select(_p.paper_id)).scalars())
        for paper_id in paper_ids:
            pages = conn.execute(
                select(fct_paper_pages.c.text)
                .where(fct_paper_pages.c.paper_id == paper_id)
                .order_by(fct_paper_pages.c.page_no)
            ).scalars()
            replace_pending_mentions(conn, paper_id, find_mentions(list(pages), targets))
    return len(paper_ids)


def _count_candidates(conn: Connection, paper_id: int) -> int:
    return len(conn.execute(select(_m.mention_id).where(_m.paper_id == paper_id)).all())


def _result(
    source: PaperSource, values: dict[str, object], change: str, candidates: int
) -> PaperResult:
    return PaperResult(
        location=source.location,
        file_name=source.file_name,
        title=str(values["title"]),
        change=change,
        pages=int(str(values["page_count"])),
        candidates=candidates,
        unreadable_reason=document_reason
        if isinstance(document_reason := values["unreadable_reason"], str)
        else None,
    )
