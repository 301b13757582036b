"""Input checks and sentence chunking for raw documents.

Offsets stay document-level throughout, so evidence spans point into the caller's text."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from core.exceptions import ExtractionError

_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Document:
    id: str
    text: str


@dataclass(frozen=True)
class Chunk:
    document_id: str
    start: int  # offset of the chunk in its document
    text: str


def check_document(doc: Document, max_chars: int) -> None:
    if not doc.id:
        raise ExtractionError("a document has an empty id")
    if not doc.text.strip():
        raise ExtractionError(f"document {doc.id}: the text is empty")
    if len(doc.text) > max_chars:
        raise ExtractionError(
            f"document {doc.id}: {len(doc.text)} characters exceed the limit of {max_chars} "
            "(setting extract.max_document_chars)"
        )


def _hard_split(text: str, start: int, limit: int) -> list[tuple[int, int]]:
    out = []
    while len(text) - start > limit:
        cut = text.rfind(" ", start + 1, start + limit)
        cut = cut if cut > start else start + limit
        out.append((start, cut))
        start = cut
    out.append((start, len(text)))
    return out


def chunks(doc: Document, chunk_chars: int) -> list[Chunk]:
    """Sentences of `doc`; a sentence longer than `chunk_chars` is cut at whitespace."""
    bounds, start = [], 0
    for m in _SENT_END.finditer(doc.text):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(doc.text)))
    out = []
    for a, b in bounds:
        for s, e in _hard_split(doc.text[:b], a, chunk_chars):
            piece = doc.text[s:e]
            lead = len(piece) - len(piece.lstrip())
            if piece.strip():
                out.append(Chunk(doc.id, s + lead, piece.strip()))
    return out


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ExtractionError(f"{path}:{line}: invalid UTF-8 at byte {e.start}") from e


def read_documents(path: Path) -> tuple[list[Document], list[str]]:
    """A .txt file is one document (id: the file name); a .jsonl file holds one
    {"id": ..., "text": ...} object per line. Returns the documents and the lines skipped,
    as "FILE:LINE: reason": one bad line never loses the others. A file with no document
    at all is an ExtractionError."""
    if not path.is_file():
        raise ExtractionError(f"{path}: no such file")
    raw = path.read_bytes()
    if path.suffix == ".txt":
        return [Document(path.name, _decode(raw, path))], []
    if path.suffix != ".jsonl":
        raise ExtractionError(f"{path}: expected a .txt or .jsonl file")
    docs, skipped = [], []
    for n, line in enumerate(raw.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            docs.append(_jsonl_document(line, path, n))
        except ExtractionError as e:
            skipped.append(str(e))
    if not docs:
        raise ExtractionError(
            f"{path}: no document to read" + "".join(f"; {s}" for s in skipped[:5])
        )
    return docs, skipped


def _jsonl_document(line: bytes, path: Path, n: int) -> Document:
    try:
        obj = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ExtractionError(f"{path}:{n}: invalid UTF-8 at byte {e.start} of the line") from e
    except json.JSONDecodeError as e:
        raise ExtractionError(f"{path}:{n}: not JSON: {e}") from e
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise ExtractionError(f"{path}:{n}: field 'text' (a string) is missing")
    doc_id = obj.get("id", f"{path.name}:{n}")
    if not isinstance(doc_id, str | int) or isinstance(doc_id, bool):
        raise ExtractionError(f"{path}:{n}: field 'id' must be a string or number")
    return Document(str(doc_id), obj["text"])
