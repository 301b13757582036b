"""ADE Corpus V2: sentences with sentence-level spans, candidate pairs, PMID-disjoint splits.

DRUG-AE.rel gives document-level offsets; a sentence's own offsets are recovered by finding
the one sentence start that places every mention of that sentence on its text. Negative
pairs are (a) annotated drug x AE combinations of one sentence that the corpus does not
relate and (b) drug x AE pairs found by dictionary match (the corpus' own mention lexicon)
in ADE-NEG.txt sentences, which by construction hold no drug-related adverse effect."""

from __future__ import annotations

import hashlib
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from core.exceptions import IngestError

Span = tuple[int, int]
SPLITS = ("train", "dev", "test")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_MAX_NGRAM = 6


@dataclass(frozen=True)
class Sentence:
    pmid: str
    text: str
    drugs: tuple[Span, ...]
    aes: tuple[Span, ...]
    relations: frozenset[tuple[int, int]]  # (drug index, ae index)
    negative: bool = False  # from ADE-NEG.txt: mentions are dictionary matches

    @property
    def key(self) -> str:
        return hashlib.sha256(f"{self.pmid}\t{self.text}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Pair:
    sentence: Sentence
    drug: Span
    ae: Span
    label: int
    kind: str  # positive | same_sentence | neg_sentence

    @property
    def drug_text(self) -> str:
        return self.sentence.text[self.drug[0] : self.drug[1]]

    @property
    def ae_text(self) -> str:
        return self.sentence.text[self.ae[0] : self.ae[1]]


@dataclass
class Corpus:
    sentences: list[Sentence]
    files_sha256: dict[str, str] = field(default_factory=dict)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_lines(path: Path) -> list[tuple[int, str]]:
    try:
        raw = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise IngestError(str(path), None, f"cannot read as UTF-8 text: {e}") from e
    return [(n, line) for n, line in enumerate(raw.splitlines(), 1) if line.strip()]


def _localize(text: str, mentions: list[tuple[str, int, int]], where: str) -> list[Span]:
    """Sentence offsets of document-offset mentions: the sentence start shared by all."""
    candidates: set[int] | None = None
    for surface, begin, _ in mentions:
        found = {begin - m.start() for m in re.finditer(re.escape(surface), text)}
        if not found:
            raise IngestError(where, None, "mention not in its sentence", surface)
        candidates = found if candidates is None else (candidates & found) or candidates
    assert candidates is not None
    start = min(candidates)
    spans = []
    for surface, begin, _ in mentions:
        s = begin - start
        if text[s : s + len(surface)] != surface:  # an inconsistent row: first occurrence
            s = text.index(surface)
        spans.append((s, s + len(surface)))
    return spans


def load_relations(path: Path) -> list[Sentence]:
    rows: dict[tuple[str, str], list[tuple[int, list[str]]]] = defaultdict(list)
    for lineno, line in _read_lines(path):
        cols = line.split("|")
        if len(cols) != 8:
            raise IngestError(str(path), lineno, f"expected 8 fields, got {len(cols)}", line)
        rows[(cols[0], cols[1])].append((lineno, cols))
    sentences = []
    for (pmid, text), group in rows.items():
        mentions, kinds = [], []
        for lineno, c in group:
            try:
                mentions += [(c[2], int(c[3]), int(c[4])), (c[5], int(c[6]), int(c[7]))]
            except ValueError as e:
                raise IngestError(str(path), lineno, "offset is not an integer", c) from e
            kinds += ["ae", "drug"]
        spans = _localize(text, mentions, f"{path}:{group[0][0]}")
        drugs = sorted({s for s, k in zip(spans, kinds, strict=True) if k == "drug"})
        aes = sorted({s for s, k in zip(spans, kinds, strict=True) if k == "ae"})
        rels = frozenset(
            (drugs.index(spans[2 * i + 1]), aes.index(spans[2 * i])) for i in range(len(group))
        )
        sentences.append(Sentence(pmid, text, tuple(drugs), tuple(aes), rels))
    return sentences


def _lexicon(sentences: Iterable[Sentence]) -> tuple[set[str], set[str]]:
    drugs: set[str] = set()
    aes: set[str] = set()
    for s in sentences:
        drugs |= {s.text[a:b].lower() for a, b in s.drugs}
        aes |= {s.text[a:b].lower() for a, b in s.aes if b - a >= 4}
    return drugs, aes - drugs


def dictionary_spans(text: str, lexicon: set[str]) -> list[Span]:
    """Longest non-overlapping token n-gram matches of `lexicon` (lower-cased)."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    spans: list[Span] = []
    i = 0
    while i < len(tokens):
        for n in range(min(_MAX_NGRAM, len(tokens) - i), 0, -1):
            start, end = tokens[i][0], tokens[i + n - 1][1]
            if text[start:end].lower() in lexicon:
                spans.append((start, end))
                i += n
                break
        else:
            i += 1
    return spans


def load_negatives(path: Path, drugs: set[str], aes: set[str]) -> list[Sentence]:
    out = []
    for lineno, line in _read_lines(path):
        parts = line.split(" ", 2)
        if len(parts) != 3 or parts[1] != "NEG":
            raise IngestError(str(path), lineno, "expected `PMID NEG sentence`", line)
        text = parts[2]
        d, a = dictionary_spans(text, drugs), dictionary_spans(text, aes)
        a = [s for s in a if all(s[1] <= x[0] or s[0] >= x[1] for x in d)]
        out.append(Sentence(parts[0], text, tuple(d), tuple(a), frozenset(), negative=True))
    return out


def load_corpus(folder: Path) -> Corpus:
    rel, neg = folder / "DRUG-AE.rel", folder / "ADE-NEG.txt"
    for p in (rel, neg):
        if not p.is_file():
            raise IngestError(str(p), None, "ADE Corpus V2 file missing")
    positives = load_relations(rel)
    drugs, aes = _lexicon(positives)
    negatives = load_negatives(neg, drugs, aes)
    return Corpus(positives + negatives, {p.name: _sha256(p) for p in (rel, neg)})


def sentence_pairs(s: Sentence) -> list[Pair]:
    pairs = []
    for i, d in enumerate(s.drugs):
        for j, a in enumerate(s.aes):
            if d[0] < a[1] and a[0] < d[1] and not s.relations:
                continue  # overlapping dictionary matches are not candidates
            label = int((i, j) in s.relations)
            kind = "positive" if label else ("neg_sentence" if s.negative else "same_sentence")
            pairs.append(Pair(s, d, a, label, kind))
    return pairs


# How `join` puts two sentences together: as two sentences, or as two clauses of one sentence
# (the first's final full stop dropped, the second's first word lower-cased when it is a
# plain capitalised word), so that a clause boundary is not a sentence boundary the
# classifier can learn to read as "unrelated".
SENTENCE_JOINER = " "
CLAUSE_JOINERS = ("; ", ", and ", ", while ", " and ")


def _lower_first_word(text: str) -> str:
    word = text.split(" ", 1)[0]
    plain = len(word) > 1 and word[0].isupper() and word[1:].isalpha() and word[1:].islower()
    return text[0].lower() + text[1:] if plain else text


def join(first: Sentence, second: Sentence, joiner: str = SENTENCE_JOINER) -> Sentence:
    """`first` and `second` as one text, mentions and relations kept: a drug of one with an
    event of the other is an unrelated pair of the joined text. `joiner` is put between them;
    any other than SENTENCE_JOINER joins them as clauses of one sentence."""
    head, tail = first.text, second.text
    if joiner != SENTENCE_JOINER:
        cut = len(head.rstrip().rstrip("."))
        if all(b <= cut for _, b in first.drugs + first.aes):
            head = head[:cut]
        tail = _lower_first_word(tail)
    off = len(head) + len(joiner)
    drugs = first.drugs + tuple((a + off, b + off) for a, b in second.drugs)
    aes = first.aes + tuple((a + off, b + off) for a, b in second.aes)
    n_drugs, n_aes = len(first.drugs), len(first.aes)
    rels = first.relations | {(i + n_drugs, j + n_aes) for i, j in second.relations}
    pmid = f"{first.pmid}+{second.pmid}"
    return Sentence(pmid, f"{head}{joiner}{tail}", drugs, aes, frozenset(rels))


def joined_pairs(
    sentences: Sequence[Sentence], n: int, seed: int, clause_share: float = 0.0
) -> list[Pair]:
    """The pairs of `n` texts, each two random sentences with relations joined (`join`):
    each sentence's own pairs keep their labels, and the pairs across the two sentences are
    negatives (kind `joined`). The corpus itself holds few negatives inside a sentence with
    relations, so a classifier trained on it alone learns "a drug and an event" rather than
    "this drug caused this event"; the joined texts show it events it must not attach. A
    `clause_share` of the texts join the two as clauses of one sentence (CLAUSE_JOINERS)."""
    rng = random.Random(seed)
    pool = [s for s in sentences if s.relations and not s.negative]
    out = []
    for _ in range(n if len(pool) > 1 else 0):
        first, second = rng.sample(pool, 2)
        clause = rng.random() < clause_share
        joined = join(first, second, rng.choice(CLAUSE_JOINERS) if clause else SENTENCE_JOINER)
        split = len(joined.text) - len(second.text)  # where the second sentence starts
        for p in sentence_pairs(joined):
            across = (p.drug[0] < split) != (p.ae[0] < split)
            out.append(replace(p, kind="joined") if across else p)
    return out


def _root(parent: dict[str, str], x: str) -> str:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def pmid_groups(sentences: Iterable[Sentence]) -> dict[str, str]:
    """PMID -> group root; PMIDs sharing an identical sentence fall in one group."""
    parent: dict[str, str] = {}
    by_text: dict[str, str] = {}
    for s in sentences:
        parent.setdefault(s.pmid, s.pmid)
        other = by_text.setdefault(s.text, s.pmid)
        ra, rb = _root(parent, s.pmid), _root(parent, other)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {p: _root(parent, p) for p in parent}


def _bucket(seed: int, group: str) -> float:
    h = hashlib.sha256(f"{seed}:{group}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64


def split_of(bucket: float, dev: float = 0.1, test: float = 0.1) -> str:
    return "test" if bucket >= 1 - test else "dev" if bucket >= 1 - test - dev else "train"


@dataclass
class Splits:
    sentences: dict[str, list[Sentence]]
    fingerprint: str

    def pairs(self, split: str) -> list[Pair]:
        return [p for s in self.sentences[split] for p in sentence_pairs(s)]


def make_splits(corpus: Corpus, seed: int = 13) -> Splits:
    """Fixed PMID-disjoint 80/10/10 splits; the fingerprint hashes the files and assignment."""
    groups = pmid_groups(corpus.sentences)
    out: dict[str, list[Sentence]] = {k: [] for k in SPLITS}
    for s in corpus.sentences:
        out[split_of(_bucket(seed, groups[s.pmid]))].append(s)
    return Splits(out, _fingerprint(corpus, out))


def _fingerprint(corpus: Corpus, splits: dict[str, list[Sentence]]) -> str:
    """A hash of the corpus files and of which split each PMID is in."""
    assignment = {s.pmid: name for name, sents in splits.items() for s in sents}
    digest = hashlib.sha256(repr(sorted(corpus.files_sha256.items())).encode())
    for pmid in sorted(assignment):
        digest.update(f"{pmid}\t{assignment[pmid]}\n".encode())
    return digest.hexdigest()[:16]


def folds(corpus: Corpus, k: int = 10, seed: int = 13) -> list[list[Sentence]]:
    """k PMID-disjoint folds (for comparisons with 10-fold results in the literature)."""
    groups = pmid_groups(corpus.sentences)
    out: list[list[Sentence]] = [[] for _ in range(k)]
    for s in corpus.sentences:
        out[int(_bucket(seed, groups[s.pmid]) * k)].append(s)
    return out


def fold_splits(corpus: Corpus, i: int, k: int = 10, seed: int = 13) -> Splits:
    """Cross-validation round `i` of `folds`: test = fold i, dev = fold i + 1 (mod k), train =
    the other k - 2 folds."""
    if not 0 <= i < k:
        raise ValueError(f"fold {i} is not in 0..{k - 1}")
    parts = folds(corpus, k, seed)
    out = {
        "train": [s for j, f in enumerate(parts) if j not in (i, (i + 1) % k) for s in f],
        "dev": parts[(i + 1) % k],
        "test": parts[i],
    }
    return Splits(out, _fingerprint(corpus, out))
