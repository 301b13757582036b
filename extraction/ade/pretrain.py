"""BC5CDR Chemical and Disease mentions as pre-training sentences for the ADE span tagger.

The tagger reads few medical words in ADE Corpus V2's 3,486 training sentences; BC5CDR's
1,500 PubMed abstracts (../shared/data/bc5cdr, PubTator) mark every chemical and disease
mention. Chemicals become DRUG spans and diseases AE spans, so the tagger first learns what a
drug or disease mention looks like, then (trained on ADE after this) which diseases the ADE
corpus marks: those a drug caused. Abstracts whose PMID is in the ADE dev or test split are
left out, so no evaluated sentence is seen in training.

PubTator lines: `PMID|t|title`, `PMID|a|abstract`, mentions `PMID start end text type ids
[individual mentions]` (tab-separated, offsets into `title + " " + abstract`), relations
`PMID CID chemical disease`. Every malformed line raises an IngestError naming file and line."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from core.exceptions import IngestError
from extraction.ade.data import Sentence, Span
from extraction.ade.text import Document, chunks

FILES = (
    "CDR_TrainingSet.PubTator.txt",
    "CDR_DevelopmentSet.PubTator.txt",
    "CDR_TestSet.PubTator.txt",
)
TYPES = {"Chemical": "drug", "Disease": "ae"}
_NO_LIMIT = 1_000_000


def _sentences(pmid: str, text: str, mentions: list[tuple[Span, str]]) -> list[Sentence]:
    """The document's sentences with the mentions inside each, in sentence offsets."""
    out = []
    for c in chunks(Document(pmid, text), _NO_LIMIT):
        end = c.start + len(c.text)
        inside = [(s, k) for s, k in mentions if s[0] >= c.start and s[1] <= end]
        drugs = sorted({(a - c.start, b - c.start) for (a, b), k in inside if k == "drug"})
        aes = sorted({(a - c.start, b - c.start) for (a, b), k in inside if k == "ae"})
        out.append(Sentence(pmid, c.text, tuple(drugs), tuple(aes), frozenset()))
    return out


def read_cdr(path: Path) -> list[Sentence]:
    """The sentences of one BC5CDR PubTator file, mentions as DRUG (Chemical) and AE (Disease)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise IngestError(str(path), None, f"cannot read as UTF-8 text: {e}") from e
    out: list[Sentence] = []
    pmid, title, text = "", "", ""
    mentions: list[tuple[Span, str]] = []

    def finish() -> None:
        if pmid:
            out.extend(_sentences(pmid, text, mentions))

    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) == 1:
            head = line.split("|", 2)
            if len(head) != 3 or head[1] not in ("t", "a"):
                raise IngestError(str(path), n, "expected PMID|t|title or PMID|a|abstract", line)
            if head[1] == "t":
                finish()
                pmid, title, text, mentions = head[0], head[2], head[2], []
            elif head[0] != pmid:
                raise IngestError(str(path), n, "abstract line without its title line", head[0])
            else:
                text = f"{title} {head[2]}"
            continue
        if parts[0] != pmid:
            raise IngestError(str(path), n, "annotation line outside its document", parts[0])
        if len(parts) == 4:  # a CID relation: not used here
            continue
        if len(parts) not in (6, 7):
            raise IngestError(str(path), n, f"expected 4, 6 or 7 fields, got {len(parts)}")
        try:
            start, end = int(parts[1]), int(parts[2])
        except ValueError as e:
            raise IngestError(str(path), n, "mention offsets must be integers", parts[1:3]) from e
        if text[start:end] != parts[3]:
            raise IngestError(str(path), n, "mention text does not match its offsets", parts[3])
        if parts[4] not in TYPES:
            raise IngestError(str(path), n, "mention type must be Chemical or Disease", parts[4])
        mentions.append(((start, end), TYPES[parts[4]]))
    finish()
    return out


def pretraining_sentences(folder: Path, exclude_pmids: Iterable[str]) -> list[Sentence]:
    """BC5CDR sentences holding at least one mention, from abstracts not in `exclude_pmids`."""
    excluded = set(exclude_pmids)
    out = []
    for name in FILES:
        path = folder / name
        if not path.is_file():
            raise IngestError(str(path), None, "BC5CDR file missing")
        out += [s for s in read_cdr(path) if s.pmid not in excluded and (s.drugs or s.aes)]
    return out
