"""What every literature reader yields: documents (with their sections, date, MeSH and
chemical lists and entity annotations where the format has them) and deletions."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from core.exceptions import IngestError


@dataclass(frozen=True)
class Section:
    label: str | None  # e.g. METHODS in a structured abstract; None for a plain one
    text: str


@dataclass(frozen=True)
class Annotation:
    """An entity mention; offsets index `LitDocument.text`."""

    start: int
    end: int
    text: str
    type: str  # as the file writes it (Chemical, DiseaseOrPhenotypicFeature, ...)
    ids: tuple[str, ...]


@dataclass(frozen=True)
class LitDocument:
    id: str  # PMID:<n> for PubMed-derived documents, else the file's id
    title: str
    sections: tuple[Section, ...]
    text: str  # title and abstract as the format's offsets count them ("title abstract")
    source: str  # file and line (or record) it was read from
    published: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    mesh: tuple[str, ...] = ()  # MESH:D... descriptors
    chemicals: tuple[str, ...] = ()  # MESH:D... / MESH:C... substances
    annotations: tuple[Annotation, ...] = field(default_factory=tuple)

    @property
    def abstract(self) -> str:
        return " ".join(s.text for s in self.sections)


@dataclass(frozen=True)
class Deletion:
    """A DeleteCitation entry: the evidence read from this document is to be retracted."""

    id: str
    source: str


Item = LitDocument | Deletion


def joined_text(title: str, sections: tuple[Section, ...]) -> str:
    """Title and abstract the way PubTator counts offsets: `title + " " + abstract`."""
    abstract = " ".join(s.text for s in sections if s.text)
    return f"{title} {abstract}" if abstract else title


def pmid_id(pmid: str) -> str:
    return pmid if pmid.startswith("PMID:") else f"PMID:{pmid}"


@contextmanager
def open_binary(path: Path) -> Iterator[IO[bytes]]:
    """`path` opened for reading bytes, gunzipped when it ends in .gz."""
    try:
        fh: IO[bytes] = (
            gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")  # type: ignore[assignment]  # noqa: SIM115
        )
    except OSError as e:
        raise IngestError(str(path), None, f"cannot read: {e}") from e
    with fh:
        yield fh
