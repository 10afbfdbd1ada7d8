"""Uploads kept between the dry run and "Apply", on the server (never in the session).

An upload is stored in a private file named by a random token, beside a note of its SHA-256, who
uploaded it and into which service. Applying names the token and the hash: the bytes applied are
exactly those previewed, by the same person, within an hour; then the file is removed. Stale
uploads are removed whenever another is stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings

# The largest document or CSV file an import takes, through the page or the API (docs/imports.md).
MAX_UPLOAD = 100 * 1024 * 1024

MAX_AGE_SECONDS = 60 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


class UploadGone(Exception):
    """The upload is unknown, expired, changed, or someone else's: upload the file again."""


@dataclass(frozen=True)
class StoredUpload:
    token: str
    sha256: str
    kind: str
    service: str
    username: str
    filename: str
    created: float


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "import-uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _paths(token: str) -> tuple[Path, Path]:
    folder = _folder()
    return folder / f"{token}.upload", folder / f"{token}.json"


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)


def store(raw: bytes, *, kind: str, service: str, username: str, filename: str) -> StoredUpload:
    purge_expired()
    token = secrets.token_urlsafe(24)  # 32 characters
    upload = StoredUpload(token, hashlib.sha256(raw).hexdigest(), kind, service, username, filename[:200], time.time())
    data_path, note_path = _paths(token)
    _write_private(data_path, raw)
    _write_private(note_path, json.dumps(asdict(upload)).encode())
    return upload


def take(token: str, sha256: str, *, service: str, username: str) -> tuple[StoredUpload, bytes]:
    """The upload and its bytes, if it is this person's, for this service, unchanged and recent."""
    if not _TOKEN.match(token or ""):
        raise UploadGone
    data_path, note_path = _paths(token)
    try:
        upload = StoredUpload(**json.loads(note_path.read_text()))
        raw = data_path.read_bytes()
    except (OSError, ValueError, TypeError):
        raise UploadGone from None
    fresh = time.time() - upload.created <= MAX_AGE_SECONDS
    same = hashlib.sha256(raw).hexdigest() == upload.sha256 and secrets.compare_digest(upload.sha256, sha256 or "")
    if not (fresh and same and upload.service == service and upload.username == username):
        raise UploadGone
    return upload, raw


def discard(token: str) -> None:
    if _TOKEN.match(token or ""):
        for path in _paths(token):
            path.unlink(missing_ok=True)


def purge_expired() -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in _folder().glob("*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
