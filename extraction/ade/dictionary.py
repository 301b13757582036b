"""A dictionary tagger: the training split's drug and adverse-event mentions plus HPO term
names and synonyms, matched as longest token n-grams. It needs no training, so it backs up
(or stands in for) the neural tagger when CPU time is short."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from core.exceptions import ModelLoadError
from extraction.ade.data import Sentence, dictionary_spans
from extraction.ade.tagger import SpanTagger

Span = tuple[int, int]
_MIN_CHARS = 4


class DictionaryTagger:
    def __init__(self, drugs: Iterable[str], events: Iterable[str]) -> None:
        self.drugs = {d.lower() for d in drugs if len(d) >= 2}
        self.events = {e.lower() for e in events if len(e) >= _MIN_CHARS} - self.drugs

    @classmethod
    def from_sentences(
        cls, sentences: Iterable[Sentence], extra_events: Iterable[str] = ()
    ) -> DictionaryTagger:
        drugs: set[str] = set()
        events: set[str] = set(extra_events)
        for s in sentences:
            if s.negative:
                continue
            drugs |= {s.text[a:b] for a, b in s.drugs}
            events |= {s.text[a:b] for a, b in s.aes}
        return cls(drugs, events)

    def tag(self, texts: Sequence[str], batch_size: int = 0) -> list[dict[str, list[Span]]]:
        out = []
        for text in texts:
            drugs = dictionary_spans(text, self.drugs)
            events = [
                e
                for e in dictionary_spans(text, self.events)
                if all(e[1] <= d[0] or e[0] >= d[1] for d in drugs)
            ]
            out.append({"DRUG": drugs, "AE": events})
        return out

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"drugs": sorted(self.drugs), "events": sorted(self.events)}))

    @classmethod
    def load(cls, path: Path) -> DictionaryTagger:
        if not path.is_file():
            raise ModelLoadError(
                f"{path}: no ADE dictionary; build it with `evigraph extract ade-train`"
            )
        obj = json.loads(path.read_text())
        return cls(obj["drugs"], obj["events"])


class UnionTagger:
    """Every span of the first tagger (a drug nested in its AE span too), plus the later
    taggers' spans that overlap none already taken."""

    def __init__(self, *taggers: SpanTagger) -> None:
        self.taggers = taggers

    def tag(self, texts: Sequence[str], batch_size: int = 32) -> list[dict[str, list[Span]]]:
        runs = [t.tag(texts) for t in self.taggers]
        out = []
        for i in range(len(texts)):
            merged: dict[str, list[Span]] = {"DRUG": [], "AE": []}
            taken: list[Span] = []
            for n, run in enumerate(runs):
                for kind in ("DRUG", "AE"):
                    for s in run[i][kind]:
                        if n == 0 or all(s[1] <= t[0] or s[0] >= t[1] for t in taken):
                            merged[kind].append(s)
                            taken.append(s)
            out.append({k: sorted(v) for k, v in merged.items()})
        return out
