"""Uploads in: deal files and documents, checked by content, never trusted for paths.

An uploaded file name is display text only. The bytes go to a private temp
folder under a generated name; the type is judged from the bytes
(``sniff_media_type``), so a PDF renamed ``.txt`` reads as a PDF and an image
renamed ``.pdf`` is refused with a clear message.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from werkzeug.datastructures import FileStorage

from engine import errors
from engine.documents import TEXT, read_bytes, sniff_media_type
from engine.errors import InputError, Problem
from engine.models.disclosures import Document
from engine.yamlio import MAX_BYTES
from web.services import DEAL_SUFFIXES

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


def display_name(filename: str | None, fallback: str) -> str:
    """The last path part of what the browser sent, without control characters; for display only."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = _UNSAFE_NAME.sub("", name).strip()[:200]
    return name or fallback


@dataclass(frozen=True)
class DealUpload:
    text: str
    name: str  # display name, used in file:line messages

    @property
    def json_only(self) -> bool:
        return self.name.lower().endswith(".json")


def check_deal_size(size: int, name: str) -> None:
    """Refuse a deal over yamlio's limit as soon as its bytes are in, before any decoding or parsing (the
    same problem engine/yamlio.py reports)."""
    if size > MAX_BYTES:
        raise InputError.single(errors.TOO_LARGE, f"the file is {size:,} bytes; the limit is {MAX_BYTES:,}", name,
                                hint="split the input, or trim what the screening does not read")


def read_deal_upload(upload: FileStorage) -> DealUpload:
    """A deal file must be UTF-8 YAML or JSON text; anything else is one clear problem."""
    name = display_name(upload.filename, "deal.yaml")
    data = upload.read()
    suffix = Path(name).suffix.lower()
    if suffix not in DEAL_SUFFIXES:
        what = f"a {suffix!r} file" if suffix else "a file without an extension"
        raise InputError.single(errors.UNSUPPORTED_FILE, f"a deal file must be YAML or JSON, not {what}", name,
                                hint="upload a .yaml, .yml or .json deal file")
    check_deal_size(len(data), name)
    if not data.strip():
        raise InputError.single(errors.EMPTY_FILE, "the file is empty", name)
    if sniff_media_type(data) != TEXT:
        raise InputError.single(errors.UNSUPPORTED_FILE, "this is not a text file, so it cannot be a YAML or JSON "
                                "deal file (its content looks like a document or binary data)", name,
                                hint="upload offering circulars as documents, not as the deal file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.single(errors.INVALID_VALUE, f"not UTF-8 text ({exc.reason})", name) from None
    return DealUpload(text=text, name=name)


STALE_SECONDS = 3600  # an upload folder this old belongs to no running request (they take seconds)


def clean_stale_uploads(tmp_root: Path, older_than: float = STALE_SECONDS) -> int:
    """Remove upload folders a crashed server left behind (``ipsdg-upload-*``); returns how many."""
    import shutil
    import time

    removed = 0
    cutoff = time.time() - older_than
    for folder in Path(tmp_root).glob("ipsdg-upload-*"):
        try:
            if folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder)
                removed += 1
        except OSError:
            continue  # another process removed it, or it is not ours to remove
    return removed


def read_document_uploads(uploads: Iterable[FileStorage], tmp_root: Path) -> list[Document]:
    """Read every uploaded document; every unreadable one is reported, together, as problems."""
    documents: list[Document] = []
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="ipsdg-upload-", dir=tmp_root) as tmp:
        for i, upload in enumerate(u for u in uploads if u and u.filename):
            name = display_name(upload.filename, f"document-{i + 1}")
            stored = Path(tmp) / uuid.uuid4().hex  # generated name: the upload's name never becomes a path
            upload.save(stored)
            try:
                documents.append(read_bytes(stored.read_bytes(), name=name))
            except InputError as exc:
                problems.extend(exc.problems)
    errors.raise_if(problems)
    return documents
