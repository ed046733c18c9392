"""Alerts when a source goes wrong, once per incident.

An incident is a (source, kind) pair: ``failed`` (the fetch failed), ``rejected`` (the file
was rejected whole), ``rejects-jump`` or ``total-jump`` (its rejected rows, or its total, moved
beyond the configured share of the previous load's). It opens, and is sent by email and/or
webhook, the first run that sees it; later runs that see it again send nothing; it closes when
the source is well again, so the next failure is a new incident.
"""

from __future__ import annotations

import json
import smtplib
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage

from sqlalchemy import Engine, insert, select, update

from data_pipeline.fetch.settings import AlertSettings
from warehouse.schema import meta_alerts


@dataclass(frozen=True)
class Incident:
    source_key: str
    title: str
    kind: str
    message: str


def jump_incidents(
    source_key: str,
    title: str,
    before: tuple[int | None, int | None],
    after: tuple[int, int | None],
    settings: AlertSettings,
) -> list[Incident]:
    """Incidents from the rejected rows and total (pence read) of the previous and this load."""
    found: list[Incident] = []
    (rejects_before, total_before), (rejects_now, total_now) = before, after
    if rejects_before is not None and rejects_now > rejects_before:
        base = max(rejects_before, 1)
        if (rejects_now - rejects_before) / base > settings.rejects_jump:
            found.append(
                Incident(
                    source_key,
                    title,
                    "rejects-jump",
                    f"rejected rows rose from {rejects_before:,} to {rejects_now:,}",
                )
            )
    if total_before and total_now is not None:
        change = (total_now - total_before) / abs(total_before)
        if abs(change) > settings.total_jump:
            found.append(
                Incident(
                    source_key,
                    title,
                    "total-jump",
                    f"its total moved by {change:+.0%}, from £{total_before / 100:,.2f} "
                    f"to £{total_now / 100:,.2f}",
                )
            )
    return found


def _send(incident: Incident, settings: AlertSettings, site_name: str) -> str:
    sent: list[str] = []
    subject = f"[{site_name}] {incident.title}: {incident.kind}"
    body = f"{incident.title} ({incident.source_key})\n\n{incident.message}\n"
    if settings.email_to:
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = settings.email_from
        message["To"] = ", ".join(settings.email_to)
        message.set_content(body)
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
                smtp.send_message(message)
            sent.append("email " + ", ".join(settings.email_to))
        except (OSError, smtplib.SMTPException) as error:
            sent.append(f"email failed ({error})")
    if settings.webhook_url:
        payload = json.dumps(
            {
                "site": site_name,
                "source": incident.source_key,
                "title": incident.title,
                "kind": incident.kind,
                "message": incident.message,
                "text": f"{subject}: {incident.message}",
            }
        ).encode()
        request = urllib.request.Request(
            settings.webhook_url,
            data=payload,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                sent.append(f"webhook {response.status}")
        except OSError as error:
            sent.append(f"webhook failed ({error})")
    return "; ".join(sent) or "no alert channel configured"


def settle(
    engine: Engine,
    source_key: str,
    current: list[Incident],
    closable: set[str],
    settings: AlertSettings,
    site_name: str,
) -> list[Incident]:
    """Open (and send) the source's new incidents, close those of ``closable`` kinds it no
    longer has; returns the incidents sent this time."""
    now = datetime.now(UTC)
    with engine.connect() as conn:
        open_kinds = set(
            conn.execute(
                select(meta_alerts.c.kind).where(
                    meta_alerts.c.source_key == source_key, meta_alerts.c.closed_at.is_(None)
                )
            ).scalars()
        )
    sent = [i for i in current if i.kind not in open_kinds]
    for incident in sent:
        sent_to = _send(incident, settings, site_name)
        with engine.begin() as conn:
            conn.execute(
                insert(meta_alerts).values(
                    source_key=source_key,
                    kind=incident.kind,
                    message=incident.message,
                    opened_at=now,
                    sent_to=sent_to,
                )
            )
    gone = (open_kinds & closable) - {i.kind for i in current}
    if gone:
        with engine.begin() as conn:
            conn.execute(
                update(meta_alerts)
                .where(
                    meta_alerts.c.source_key == source_key,
                    meta_alerts.c.kind.in_(gone),
                    meta_alerts.c.closed_at.is_(None),
                )
                .values(closed_at=now)
            )
    return sent
