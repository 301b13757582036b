"""A token tagger for DRUG and AE spans (BIO over word pieces, encoder + linear head).

Decoding is at word level: each word's first sub-word piece carries its label, and the
labels of a sentence are the Viterbi path over those pieces' log-probabilities under BIO
constraints (no I- without a B- or I- of its type before it) plus `prior_weight` times a
word-to-word label transition log-probability counted on the training sentences. The weight
is chosen on dev (`fit_decoder`); a tagger saved without a prior decodes with the
constraints alone.

Where a drug lies inside an adverse-event span ("methotrexate toxicity"), BIO can hold only
one: the longer span is kept for training. At decoding, `nested_drugs` looks for drugs inside
each AE span: a Viterbi path over the span's words restricted to O and DRUG labels, keeping
the words whose best DRUG log-probability is within `nested_margin` of their best AE one
(0: none; chosen on dev). `candidate_pairs` pairs such a drug with the span around it."""

from __future__ import annotations

import itertools
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import torch
from torch import nn

from core.encoders import ModelDir, load_tokenizer, load_transformer
from extraction.ade.data import Pair, Sentence, sentence_pairs
from extraction.ade.encoder_head import load_head, save_head, train_steps

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


class SpanTagger(Protocol):
    def tag(self, texts: Sequence[str], batch_size: int = 32) -> list[dict[str, list[Span]]]: ...


logger = logging.getLogger(__name__)

LABELS = ("O", "B-DRUG", "I-DRUG", "B-AE", "I-AE")
TAGGER_FILE = "tagger.pt"
Span = tuple[int, int]
PRIOR_WEIGHTS = (0.0, 0.1, 0.25, 0.5, 1.0)  # tried on dev by `fit_decoder`
NESTED_MARGINS = (0.0, 2.0, 4.0, 6.0, 8.0)  # likewise, after the weight
_IMPOSSIBLE = -1e9
# ALLOWED[a, b]: label b may follow label a (an I- continues a B- or I- of its own type)
ALLOWED = np.array(
    [[not b.startswith("I-") or (a != "O" and a[2:] == b[2:]) for b in LABELS] for a in LABELS]
)
STARTS = np.array([not name.startswith("I-") for name in LABELS])  # labels a path may begin with


@dataclass(frozen=True)
class TaggerConfig:
    encoder_id: str
    hidden: int
    max_length: int = 128
    dropout: float = 0.1
    prior_weight: float = 0.0  # weight of the transition prior in decoding (set on dev)
    nested_margin: float = 0.0  # nats: drugs inside AE spans (0: none; set on dev)


class Tagger(nn.Module):
    def __init__(self, cfg: TaggerConfig, encoder: nn.Module) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = encoder
        self.dropout = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(cfg.hidden, len(LABELS))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state  # (B, T, H)
        logits: torch.Tensor = self.head(self.dropout(states))  # (B, T, L)
        return logits


def token_labels(offsets: Sequence[Span], drugs: Sequence[Span], aes: Sequence[Span]) -> list[int]:
    spans = sorted(
        [(s, "AE") for s in aes] + [(s, "DRUG") for s in drugs], key=lambda x: x[0][0] - x[0][1]
    )  # longer spans claim tokens first
    out = [0] * len(offsets)
    for (a, b), kind in spans:
        toks = [i for i, (s, e) in enumerate(offsets) if e > s and s >= a and e <= b]
        if not toks or any(out[i] for i in toks):
            continue
        out[toks[0]] = LABELS.index(f"B-{kind}")
        for i in toks[1:]:
            out[i] = LABELS.index(f"I-{kind}")
    return out


def whole_words(words: Sequence[int | None], labels: Sequence[int]) -> list[int]:
    """Token labels with every word labelled as its first sub-word token: the other pieces of
    a word continue its entity (I-) or stay outside (O), so a span never starts or ends
    inside a word (`Pro` + `##long` + `##ation` is one word). `words`: each token's word
    index from the tokenizer (None for special tokens)."""
    out = list(labels)
    for i in range(1, len(out)):
        if words[i] is None or words[i] != words[i - 1]:
            continue
        name = LABELS[out[i - 1]]
        out[i] = 0 if name == "O" else LABELS.index(f"I-{name[2:]}")
    return out


def first_pieces(words: Sequence[int | None]) -> list[int]:
    """Token positions that start a word (special tokens excluded)."""
    return [i for i, w in enumerate(words) if w is not None and (i == 0 or words[i - 1] != w)]


def viterbi(logp: np.ndarray, transitions: np.ndarray) -> list[int]:
    """The best label path for `logp` (T, L) under BIO constraints plus `transitions`
    (L, L), the score added when label b follows label a."""
    if len(logp) == 0:
        return []
    trans = np.where(ALLOWED, transitions, _IMPOSSIBLE)
    score = np.where(STARTS, logp[0], _IMPOSSIBLE)
    back = []
    for t in range(1, len(logp)):
        cand = score[:, None] + trans  # (previous, current)
        back.append(cand.argmax(0))
        score = cand.max(0) + logp[t]
    path = [int(score.argmax())]
    for pointers in reversed(back):
        path.append(int(pointers[path[-1]]))
    return path[::-1]


def word_labels(
    words: Sequence[int | None], logp: np.ndarray, transitions: np.ndarray
) -> list[int]:
    """Token labels: the Viterbi path over each word's first piece, the other pieces
    continuing their word (`whole_words`)."""
    starts = first_pieces(words)
    labels = [0] * len(words)
    for i, lab in zip(starts, viterbi(logp[starts], transitions), strict=True):
        labels[i] = lab
    return whole_words(words, labels)


_DRUG_ONLY = np.array([0.0 if not n.endswith("AE") else _IMPOSSIBLE for n in LABELS])
_AE = [i for i, n in enumerate(LABELS) if n.endswith("AE")]


def nested_drugs(
    tagged: Tagged, aes: Sequence[Span], transitions: np.ndarray, margin: float
) -> list[Span]:
    """Drug spans inside `aes`: per AE span, the best path over its words with AE labels
    removed, keeping the DRUG words whose log-probability is within `margin` of the word's
    best AE label; a drug that would be the whole AE span is not kept."""
    starts = first_pieces(tagged.words)
    out: list[Span] = []
    for a, b in aes:
        inside = [i for i in starts if tagged.offsets[i][0] >= a and tagged.offsets[i][1] <= b]
        if len(inside) < 2:
            continue
        logp = tagged.logp[inside]
        labels = [0] * len(tagged.words)
        for i, row, lab in zip(inside, logp, viterbi(logp + _DRUG_ONLY, transitions), strict=True):
            if lab and row[_AE].max() - row[lab] < margin:
                labels[i] = lab
        drugs = decode(tagged.offsets, whole_words(tagged.words, labels))["DRUG"]
        out += [d for d in drugs if d != (a, b)]
    return out


def candidate_pairs(tags: dict[str, list[Span]]) -> list[tuple[Span, Span]]:
    """(drug, AE) span pairs to classify: apart, or the drug inside the AE span."""
    return [
        (d, a)
        for d in tags["DRUG"]
        for a in tags["AE"]
        if d[1] <= a[0] or a[1] <= d[0] or (a[0] <= d[0] and d[1] <= a[1] and d != a)
    ]


def tagged_negatives(
    tagger: SpanTagger, sentences: Sequence[Sentence], n: int, seed: int
) -> list[Pair]:
    """Up to `n` random unrelated pairs (kind `neg_tagged`) that `tagger` finds in the ADE-NEG
    sentences of `sentences`: the pairs the classifier will see there at inference, beyond
    the corpus' dictionary matches (`data.sentence_pairs`), which are left out here."""
    negative = [s for s in sentences if s.negative]
    known = {(s.key, p.drug, p.ae) for s in negative for p in sentence_pairs(s)}
    out = [
        Pair(s, d, a, 0, "neg_tagged")
        for s, tags in zip(negative, tagger.tag([s.text for s in negative]), strict=True)
        for d, a in candidate_pairs(tags)
        if (s.key, d, a) not in known
    ]
    return random.Random(seed).sample(out, min(n, len(out)))


def decode(offsets: Sequence[Span], labels: Sequence[int]) -> dict[str, list[Span]]:
    spans: dict[str, list[Span]] = {"DRUG": [], "AE": []}
    cur: tuple[str, int, int] | None = None
    for (s, e), lab in zip(offsets, labels, strict=True):
        name = LABELS[lab]
        if e <= s:
            continue
        if name.startswith("I-") and cur and cur[0] == name[2:]:
            cur = (cur[0], cur[1], e)
            continue
        if cur:
            spans[cur[0]].append((cur[1], cur[2]))
        cur = (name[2:], s, e) if name != "O" else None
    if cur:
        spans[cur[0]].append((cur[1], cur[2]))
    return spans


@dataclass
class Tagged:
    """One sentence's tokens as the tagger saw them: offsets, word ids, log-probabilities."""

    offsets: list[Span]
    words: list[int | None]
    logp: np.ndarray  # (T, L)


@dataclass
class TaggerBundle:
    model: Tagger
    tokenizer: PreTrainedTokenizerBase
    prior: np.ndarray = field(default_factory=lambda: np.zeros((len(LABELS), len(LABELS))))

    def _encode(self, texts: Sequence[str]) -> Any:
        """A BatchEncoding: tensors, offsets and each row's `word_ids`."""
        enc = self.tokenizer(
            list(texts),
            padding=True,
            truncation=True,
            return_tensors="pt",
            max_length=self.model.cfg.max_length,
            return_offsets_mapping=True,
        )
        return enc

    def log_probs(self, texts: Sequence[str], batch_size: int = 32) -> list[Tagged]:
        out: list[Tagged] = []
        self.model.eval()
        with torch.inference_mode():
            for k in range(0, len(texts), batch_size):
                enc = self._encode(texts[k : k + batch_size])
                dev = next(self.model.parameters()).device
                logits = self.model(enc["input_ids"].to(dev), enc["attention_mask"].to(dev))
                logp = logits.float().log_softmax(-1).cpu().numpy()
                for row in range(len(logp)):
                    n = int(enc["attention_mask"][row].sum())
                    offs = [(x[0], x[1]) for x in enc["offset_mapping"][row][:n].tolist()]
                    out.append(Tagged(offs, enc.word_ids(row)[:n], logp[row, :n]))
        return out

    def spans(
        self,
        tagged: Tagged,
        prior_weight: float | None = None,
        nested_margin: float | None = None,
    ) -> dict[str, list[Span]]:
        cfg = self.model.cfg
        weight = cfg.prior_weight if prior_weight is None else prior_weight
        margin = cfg.nested_margin if nested_margin is None else nested_margin
        labels = word_labels(tagged.words, tagged.logp, weight * self.prior)
        out = decode(tagged.offsets, labels)
        if margin > 0:
            out["DRUG"] += nested_drugs(tagged, out["AE"], weight * self.prior, margin)
        return out

    def tag(self, texts: Sequence[str], batch_size: int = 32) -> list[dict[str, list[Span]]]:
        return [self.spans(t) for t in self.log_probs(texts, batch_size)]


def new_tagger(model_dir: ModelDir, max_length: int = 128) -> TaggerBundle:
    cfg = TaggerConfig(model_dir.encoder_id, model_dir.hidden_size, max_length)
    return TaggerBundle(Tagger(cfg, load_transformer(model_dir)), load_tokenizer(model_dir))


def train_tagger(
    bundle: TaggerBundle,
    sentences: Sequence[Sentence],
    epochs: float = 1.0,
    batch_size: int = 16,
    lr: float = 1e-4,
    seed: int = 13,
    max_seconds: float = 300.0,
    report: dict[str, Any] | None = None,
) -> list[float]:
    def batch_loss(batch: Sequence[Sentence]) -> torch.Tensor:
        enc = bundle._encode([s.text for s in batch])
        labels = torch.tensor(
            [
                token_labels([(x[0], x[1]) for x in offs], s.drugs, s.aes)
                for offs, s in zip(enc["offset_mapping"].tolist(), batch, strict=True)
            ]
        )
        labels[enc["attention_mask"] == 0] = -100
        dev = next(bundle.model.parameters()).device
        logits = bundle.model(enc["input_ids"].to(dev), enc["attention_mask"].to(dev))
        return nn.functional.cross_entropy(logits.flatten(0, 1), labels.to(dev).flatten())

    return train_steps(
        bundle.model,
        sentences,
        batch_loss,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        seed=seed,
        max_seconds=max_seconds,
        name="tagger",
        log=logger,
        report=report,
    )


def transition_prior(bundle: TaggerBundle, sentences: Sequence[Sentence]) -> np.ndarray:
    """log P(label b | label a) between consecutive words of `sentences`' gold labels, with
    add-one smoothing; forbidden BIO transitions are left to `viterbi`."""
    counts = np.ones((len(LABELS), len(LABELS)))
    for s in sentences:
        enc = bundle.tokenizer(
            s.text,
            truncation=True,
            max_length=bundle.model.cfg.max_length,
            return_offsets_mapping=True,
        )
        labels = token_labels([(a, b) for a, b in enc["offset_mapping"]], s.drugs, s.aes)
        seq = [labels[i] for i in first_pieces(enc.word_ids())]
        for a, b in itertools.pairwise(seq):
            counts[a, b] += 1
    prior: np.ndarray = np.log(counts / counts.sum(1, keepdims=True))
    return prior


def set_decoder(
    bundle: TaggerBundle, prior: np.ndarray, weight: float, nested_margin: float = 0.0
) -> None:
    bundle.prior = prior
    bundle.model.cfg = replace(bundle.model.cfg, prior_weight=weight, nested_margin=nested_margin)


def save_tagger(bundle: TaggerBundle, folder: Path, meta: dict[str, object]) -> None:
    save_head(
        bundle.model,
        bundle.model.cfg,
        folder / TAGGER_FILE,
        meta,
        "tagger.json",
        prior=torch.from_numpy(bundle.prior),
    )


def saved_tagger(folder: Path, encoder_dir: Path | None = None) -> TaggerBundle | None:
    """The tagger saved in `folder`, or None where none was trained."""
    return load_tagger(folder, encoder_dir) if (folder / TAGGER_FILE).is_file() else None


def load_tagger(folder: Path, encoder_dir: Path | None = None) -> TaggerBundle:
    how = "`evigraph extract ade-train`"
    state, enc, model_dir = load_head(folder / TAGGER_FILE, "tagger", how, encoder_dir)
    model = Tagger(TaggerConfig(**state["config"]), enc)
    model.load_state_dict(state["state_dict"])
    bundle = TaggerBundle(model.eval(), load_tokenizer(model_dir))
    if "prior" in state:  # taggers saved before the transition prior decode without one
        bundle.prior = state["prior"].numpy()
    return bundle
