"""Subject access: everything Oversight holds about one child, as JSON or a printable PDF.

Producing the export is itself a disclosure: it is written to the audit trail (action "disclosure")
with the recipient, the format, the lawful basis and a SHA-256 of what was handed over, in the same
transaction, so that no export leaves without its entry (docs/data-protection.md).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from oversight.audit import services as audit
from oversight.audit.models import AuditEvent
from oversight.dataprotection.models import Anonymisation, LegalHold
from oversight.messages.models import ContactPreference, Message
from oversight.people.models import Case
from oversight.reports.documents import case_record
from oversight.reports.pdf import PDF_TYPE, render_pdf

FORMAT = "oversight-subject-access/1"
FORMATS = ("json", "pdf")
BASIS = "subject access request (UK GDPR Article 15)"


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str


def subject_access_data(case: Case) -> dict:
    """The whole record of one child, with what Oversight sent about them and who it was disclosed to."""
    record = case_record(case)
    record["messages"] = [
        {"created": m.created_at, "kind": m.kind, "channel": m.channel, "to": m.recipient_label,
         "address": m.recipient, "status": m.status, "sent": m.sent_at, "subject": m.subject, "text": m.body}
        for m in Message.objects.filter(service=case.service, case_ref=case.ref).order_by("created_at", "id")
    ]
    record["contact_preferences"] = [
        {"who": p.who, "channel": p.channel, "address": p.address, "consent": p.consent,
         "consent_recorded": p.consent_recorded, "active": p.active}
        for p in ContactPreference.objects.filter(case=case).order_by("id")
    ]
    record["legal_holds"] = [
        {"from": h.start, "until": h.until, "reason": h.reason, "by": h.by}
        for h in LegalHold.objects.filter(case=case).order_by("start", "id")
    ]
    anonymised = Anonymisation.objects.filter(case=case).first()
    record["anonymised"] = {"at": anonymised.at, "by": anonymised.by} if anonymised else None
    record["earlier_disclosures"] = [
        {"at": e.at, "by": e.actor, "recipient": (e.details or {}).get("recipient", ""), "summary": e.summary}
        for e in AuditEvent.objects.filter(service=case.service, case_ref=case.ref, action="disclosure").order_by("id")
    ]
    return record


def subject_access_export(*, case: Case, recipient: str, fmt: str, actor: str, basis: str = BASIS) -> Export:
    """Produce the export and write the disclosure to the audit trail (raises ValidationError)."""
    recipient = (recipient or "").strip()
    errors = {}
    if not recipient:
        errors["recipient"] = "Enter who the export is for, for example the young person's name or their solicitor"
    elif len(recipient) > 200:
        errors["recipient"] = "Who the export is for must be 200 characters or fewer"
    if fmt not in FORMATS:
        errors["fmt"] = "Choose JSON or PDF"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    data = subject_access_data(case)
    stamp = now.astimezone(timezone.get_default_timezone()).strftime("%Y%m%d-%H%M")
    if fmt == "json":
        document = {"format": FORMAT, "produced": now, "service": {"id": case.service.ref, "name": case.service.name},
                    "recipient": recipient, "record": data}
        content = json.dumps(document, cls=DjangoJSONEncoder, indent=1, ensure_ascii=False).encode()
        export = Export(content, "application/json", f"subject-access-{case.ref}-{stamp}.json")
    else:
        content = render_pdf("reports/pdf/subject_access.html", {
            "record": data, "recipient": recipient, "produced": now, "tz_name": case.service.timezone,
            "service_name": case.service.name, "title": f"Subject access: case {case.ref}",
            "footer": f"Produced {now.astimezone(timezone.get_default_timezone()):%d %B %Y %H:%M} for {recipient}",
        })
        export = Export(content, PDF_TYPE, f"subject-access-{case.ref}-{stamp}.pdf")
    with transaction.atomic():
        audit.record(
            service=case.service, actor=actor, action="disclosure", object_type="case", object_ref=case.ref,
            case_ref=case.ref, basis=basis, summary=f"Subject access export ({fmt.upper()}) disclosed to {recipient}",
            details={"recipient": recipient, "format": fmt, "sha256": hashlib.sha256(export.content).hexdigest(),
                     "sections": {k: len(v) for k, v in data.items() if isinstance(v, list)}},
        )
    return export
