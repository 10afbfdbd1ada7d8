"""Imports through the API (administrators only): an exchange document or a CSV export, dry run first."""

from ninja import Field, Query, Router, Schema

from oversight.accounts.permissions import page_policy
from oversight.api.common import identity, responses
from oversight.api.errors import ApiError
from oversight.api.schemas import ImportReportOut
from oversight.imports import csv_import as csv_importer
from oversight.imports import exchange_import
from oversight.imports.report import ImportRefused
from oversight.imports.uploads import MAX_UPLOAD

router = Router(tags=["imports"])
# A whole service's document, as on the import page. A JSON body this large is over Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, kept for every other route), so this route reads its body itself
# (security.middleware.OWN_BODY leaves it unread).
TOO_LARGE = f"The document is larger than {MAX_UPLOAD // (1024 * 1024)} MB."


class DryRun(Schema):
    dry_run: bool = Field(False, description="Report what would change and every problem; write nothing")


def _upload(request, *, json_allowed: bool) -> bytes:
    """The uploaded bytes: a multipart `file`, or (for the exchange) the JSON request body itself."""
    content_type = request.content_type or ""
    if content_type.startswith("multipart/form-data"):
        upload = request.FILES.get("file")
        if upload is None:
            raise ApiError(400, "Send the document as the multipart field 'file'.", {"file": "missing"})
        if upload.size > MAX_UPLOAD:
            raise ApiError(400, f"The file is larger than {MAX_UPLOAD // (1024 * 1024)} MB.", {"file": "too large"})
        return upload.read()
    if json_allowed and content_type == "application/json":
        return _json_body(request)
    accepted = "application/json or multipart/form-data" if json_allowed else "multipart/form-data"
    raise ApiError(400, f"Send the file as {accepted}.", {"content_type": content_type or "none"})


def _json_body(request) -> bytes:
    """The request body, up to MAX_UPLOAD: read from the stream, as `request.body` would refuse
    anything over Django's global limit."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_UPLOAD:  # refused before reading a byte
        raise ApiError(400, TOO_LARGE, {"limit_bytes": MAX_UPLOAD})
    raw = request.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        raise ApiError(400, TOO_LARGE, {"limit_bytes": MAX_UPLOAD})
    return raw


def _refused(refused: ImportRefused):
    report = refused.report
    raise ApiError(400, f"{refused}. Every problem is listed in details.problems.", report.as_dict())


EXCHANGE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object", "description": "An oversight-exchange/1 document"}},
            "multipart/form-data": {
                "schema": {"type": "object", "required": ["file"],
                           "properties": {"file": {"type": "string", "format": "binary"}}},
            },
        },
    }
}
CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "required": ["file"],
                           "properties": {"file": {"type": "string", "format": "binary"}}},
            },
        },
    }
}


@router.post("/imports/exchange", response=responses(ImportReportOut), openapi_extra=EXCHANGE_BODY,
             summary="Import an oversight-exchange/1 document into your service (administrators)")
@page_policy("administrator")
def import_exchange(request, options: Query[DryRun]):
    who = identity(request)
    raw = _upload(request, json_allowed=True)
    try:
        data = exchange_import.decode(raw)
    except ImportRefused as refused:
        _refused(refused)  # not JSON at all: a bad request, dry run or not
    if not isinstance(data, dict):
        raise ApiError(400, "The document must be a JSON object (oversight-exchange/1).",
                       {"problems": [{"path": "$", "line": None, "column": None, "message": "must be an object"}]})
    try:
        report = exchange_import.exchange_import(
            data, service=who.service, actor=f"{who.label} (API import)", dry_run=options.dry_run)
    except ImportRefused as refused:
        if options.dry_run:
            refused.report.service = who.service.ref
            return refused.report.as_dict()
        _refused(refused)
    return report.as_dict()


@router.post("/imports/csv", response=responses(ImportReportOut), openapi_extra=CSV_BODY,
             summary="Import staff, reporting lines, cases and allocations from CSV (administrators)")
@page_policy("administrator")
def import_csv(request, options: Query[DryRun]):
    who = identity(request)
    raw = _upload(request, json_allowed=False)
    try:
        report = csv_importer.csv_import(raw, service=who.service, actor=f"{who.label} (API import)",
                                         dry_run=options.dry_run)
    except ImportRefused as refused:
        if options.dry_run:
            return refused.report.as_dict()
        _refused(refused)
    return report.as_dict()
