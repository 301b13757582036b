"""Patient phenotypes to live HPO terms: CURIEs (alt_id and obsolete ids followed to their
replacement, with a note) or names/synonyms; and phenotype mentions in free text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.exceptions import RetrievalError
from retrieval.phenotype.ontology import Ontology, norm_name

# The other spellings of an HPO id that files and clients use: HP_0001250 (OBO's own), its
# PURL and the obo: prefix.
_HP_SPELLING = re.compile(
    r"(?:https?://purl\.obolibrary\.org/obo/|obo:)?HP[:_](\d{7})", re.IGNORECASE
)
_EDGE_PUNCT = " \t.,;:!?\"'"
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]*")
_NEGATION = frozenset({"no", "without", "not", "absent", "absence", "lacks", "lacking", "denies"})
_MAX_WORDS = 8


class NotInReleaseError(RetrievalError):
    """A well-formed HPO id the graph's HPO release cannot use: unknown to it (often a term
    newer than the release) or obsolete with no replacement."""


@dataclass
class Resolved:
    observed: list[int] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    given: dict[int, str] = field(default_factory=dict)  # term -> what the caller wrote
    left_out: list[str] = field(default_factory=list)  # why each unusable id was left out

    def leave_out(self, why: RetrievalError) -> None:
        """Record an input term that is not used, and say so in the answer's notes."""
        self.left_out.append(str(why))
        self.notes.append(f"{why}; left out")


def resolve_one(
    onto: Ontology, raw: str, where: str, notes: list[str], absent: bool = False
) -> int:
    """The live term of one item; `absent`: the item lists a phenotype the patient lacks, so
    a negated name ('no seizures') is read as its term."""
    text = raw.strip()
    spelled = _HP_SPELLING.fullmatch(text)
    if spelled:
        text = f"HP:{spelled.group(1)}"
        if text in onto.index:
            return onto.index[text]
        if text in onto.redirect:
            live, how = onto.redirect[text]
            notes.append(
                f"{where}: {text} is retired in HPO ({how}); used {live} "
                f"({onto.names[onto.index[live]]}) instead"
            )
            return onto.index[live]
        if text in onto.obsolete:
            consider = ", ".join(onto.obsolete[text]) or "none"
            raise NotInReleaseError(
                f"{where}: {text} is an obsolete HPO term with no replacement "
                f"(consider: {consider})"
            )
        raise NotInReleaseError(
            f"{where}: unknown HPO term {text!r} (not in the graph's HPO release)"
        )
    return _by_name(onto, raw, where, notes, absent)


def _by_name(onto: Ontology, raw: str, where: str, notes: list[str], absent: bool) -> int:
    """A term by its name or synonym; failing that, after trimming punctuation and a plural
    ('Seizures.'), or the one term the text names ('Hypotonia (infantile)'), with a note."""
    found = onto.by_name.get(norm_name(raw))
    if found is not None:
        return found
    trimmed = norm_name(raw).strip(_EDGE_PUNCT)
    words = trimmed.split(" ")
    found = _lookup(onto, words) if trimmed else None
    if found is None:
        named = mentions(onto, raw)
        terms = named.observed + named.excluded
        if len(terms) > 1:
            shown = ", ".join(f"{onto.ids[t]} ({onto.names[t]})" for t in terms)
            raise RetrievalError(
                f"{where}: {raw!r} names several HPO terms ({shown}); give them as separate items"
            )
        if named.excluded and not absent:
            t = named.excluded[0]
            raise RetrievalError(
                f"{where}: {raw!r} negates {onto.ids[t]} ({onto.names[t]}); give absent "
                "phenotypes as excluded ones"
            )
        if not terms:
            raise RetrievalError(f"{where}: {raw!r} is neither an HPO id nor an HPO term name")
        found = terms[0]
    notes.append(f"{where}: {raw!r} read as {onto.ids[found]} ({onto.names[found]})")
    return found


def resolve(
    onto: Ontology,
    observed: Sequence[str],
    excluded: Sequence[str],
    names: tuple[str, str] = ("phenotypes", "excluded_phenotypes"),
) -> Resolved:
    """The live terms. A well-formed HPO id the release cannot use (newer than it, or
    obsolete with no replacement) is left out with a note, as real cases carry a few; the
    caller decides whether enough is left. RetrievalError (naming the field and item) for a
    name that is no HPO term or a term given as both observed and excluded."""
    out = Resolved()
    for items, target, name in (
        (observed, out.observed, names[0]),
        (excluded, out.excluded, names[1]),
    ):
        for n, raw in enumerate(items):
            try:
                t = resolve_one(onto, raw, f"{name}[{n}]", out.notes, target is out.excluded)
            except NotInReleaseError as e:
                out.leave_out(e)
                continue
            if t not in target:
                target.append(t)
                out.given.setdefault(t, raw)
    both = sorted(set(out.observed) & set(out.excluded))
    if both:
        shown = ", ".join(f"{onto.ids[t]} ({onto.names[t]})" for t in both)
        raise RetrievalError(f"{names[1]}: {shown} given as both observed and excluded")
    return out


def mentions(onto: Ontology, text: str) -> Resolved:
    """HPO terms named in free text, longest mentions first, without overlaps; a mention
    right after a negation word ('no', 'without' ...) counts as excluded."""
    words = [(m.group(0), m.start()) for m in _WORD.finditer(text)]
    lowered = [w.lower() for w, _ in words]
    taken = [False] * len(words)
    out = Resolved()
    spans: list[tuple[int, int, int]] = []
    for size in range(min(_MAX_WORDS, len(words)), 0, -1):
        for i in range(len(words) - size + 1):
            if any(taken[i : i + size]):
                continue
            t = _lookup(onto, lowered[i : i + size])
            if t is None:
                continue
            for k in range(i, i + size):
                taken[k] = True
            spans.append((i, size, t))
    for i, size, t in sorted(spans):
        window = lowered[max(0, i - 3) : i]
        negated = any(w in _NEGATION for w in window) and "with" not in window[-1:]
        target = out.excluded if negated else out.observed
        if t not in out.observed and t not in out.excluded:
            target.append(t)
            out.given[t] = " ".join(w for w, _ in words[i : i + size])
    return out


def _lookup(onto: Ontology, words: list[str]) -> int | None:
    phrase = " ".join(words)
    if len(phrase) < 4:
        return None
    t = onto.by_name.get(phrase)
    if t is None and phrase.endswith("s") and len(words[-1]) > 3:
        t = onto.by_name.get(phrase[:-1])  # 'short fingers' -> 'short finger'
    return t
