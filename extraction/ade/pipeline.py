"""`evigraph extract ade-train`: the default checkpoint and its evaluation report, rebuilt from
the corpus into <var>/ade: pair classifier (pair/), dictionary tagger (dictionary.json),
optionally the neural tagger (tagger/) and the sentence gate (gate/), and report.json with the
test-split figures."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch

from core.encoders import resolve_model_dir
from core.settings import Settings
from extraction.ade.checkpoint import PairBundle, load_bundle
from extraction.ade.data import Sentence, Splits, load_corpus, make_splits
from extraction.ade.dictionary import DictionaryTagger, UnionTagger
from extraction.ade.e2e import MemoScores, MemoTagger, end_to_end, ner_f1, ner_sets
from extraction.ade.evaluate import binary_metrics, strict_f1
from extraction.ade.fit import fit_pair_classifier
from extraction.ade.gate import GateBundle, new_gate, save_gate, set_threshold, train_gate
from extraction.ade.pretrain import pretraining_sentences
from extraction.ade.service import DICTIONARY, UNION_KEY, ade_dir, pair_folder, served_tagger
from extraction.ade.tagger import (
    NESTED_MARGINS,
    PRIOR_WEIGHTS,
    SpanTagger,
    TaggerBundle,
    new_tagger,
    save_tagger,
    saved_tagger,
    set_decoder,
    train_tagger,
    transition_prior,
)
from extraction.ade.train import TrainConfig
from graph.hpo_terms import terms_from_obo

logger = logging.getLogger(__name__)
REPORT = "report.json"
GATE_THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(20))  # 0, 0.05, ..., 0.95: on dev

# Sized for 2 CPU cores shared with other jobs (measured: about a third of one core each):
# one encoder for both views, embeddings and all layers frozen, each distinct view encoded
# once and cached; pooling, projection, bilinear fusion and MLP trained with InfoNCE then
# focal loss, a checkpoint after every epoch. `train_layers` > 0 also fine-tunes the top
# encoder layers on the cache (layer-wise LR decay); on an idle machine or a GPU use more.
CPU_DEFAULT = TrainConfig(
    arch="shared",
    pooling="attention",
    max_length=64,
    batch_size=32,
    grad_accum=1,
    phase1_steps=100,
    phase2_epochs=5,
    head_lr=1e-3,
    freeze_encoder=True,
    train_layers=0,
    max_train_pairs=3000,
    max_minutes=30.0,
)

# Full fine-tuning of the shared encoder: measured 1.9 s per 16 pairs (both views, forward
# and backward) on 2 idle cores, so two epochs of the training split take about 35 minutes.
CPU_FINETUNE = TrainConfig(
    arch="shared",
    pooling="attention",
    max_length=64,
    batch_size=16,
    grad_accum=2,
    phase1_steps=30,
    phase2_epochs=2.0,
    lr=8e-5,
    head_lr=5e-4,
    freeze_encoder=False,
    max_minutes=45.0,
)

# The single-encoder marker classifier, trained like CPU_FINETUNE: one pass over 25
# characters of context around both marked mentions, plus texts of two joined training
# sentences whose cross pairs are negatives. It beat the CRAG model on dev (F1 0.92 vs 0.89)
# in half the time (8-21 min on 2 idle cores), so `ade-train` trains it by default.
CPU_MARKER = replace(
    CPU_FINETUNE, arch="single", context_chars=25, joined_per_pos=0.05, clause_share=0.0
)

CONFIGS = {"frozen": CPU_DEFAULT, "finetune": CPU_FINETUNE}
# `ade-train --pair`: which pair classifier(s) to train, each into its folder under <var>/ade
PAIR_CHOICES = {"marker": ("single",), "crag": ("pair",), "both": ("pair", "single")}


def build_dictionary(
    settings: Settings, folder: Path, splits: Splits | None = None
) -> DictionaryTagger:
    splits = splits or make_splits(load_corpus(settings.ade.corpus_dir))
    hpo = [label for t in terms_from_obo() for label in (t.name, *t.synonyms)]
    tagger = DictionaryTagger.from_sentences(splits.sentences["train"], hpo)
    tagger.save(folder / DICTIONARY)
    return tagger


def fit_decoder(bundle: TaggerBundle, train: list[Sentence], dev: list[Sentence]) -> dict[str, Any]:
    """Set `bundle`'s transition prior (counted on `train`), its weight (the one of
    PRIOR_WEIGHTS with the best strict NER F1 on `dev`), then the nested-drug margin (the
    one of NESTED_MARGINS best on `dev` with that weight); the smallest value on a tie.
    `dev_ner_f1` in the result is the tagger's dev F1 with the chosen decoder."""
    prior = transition_prior(bundle, train)
    sents = [s for s in dev if not s.negative]
    tagged = bundle.log_probs([s.text for s in sents])

    def dev_f1(weight: float, margin: float) -> float:
        set_decoder(bundle, prior, weight, margin)
        gold, pred = ner_sets(sents, [bundle.spans(t) for t in tagged])
        return float(strict_f1(gold, pred)["f1"])

    by_weight = {w: dev_f1(w, 0.0) for w in PRIOR_WEIGHTS}
    weight = max(PRIOR_WEIGHTS, key=lambda w: (by_weight[w], -w))
    by_margin = {m: dev_f1(weight, m) for m in NESTED_MARGINS}
    margin = max(NESTED_MARGINS, key=lambda m: (by_margin[m], -m))
    set_decoder(bundle, prior, weight, margin)
    return {
        "dev_ner_f1": by_margin[margin],
        "prior_weight": weight,
        "dev_ner_f1_by_weight": {str(w): f for w, f in by_weight.items()},
        "nested_margin": margin,
        "dev_ner_f1_by_nested_margin": {str(m): f for m, f in by_margin.items()},
    }


def train_neural_tagger(
    settings: Settings,
    folder: Path,
    seconds: float,
    epochs: float,
    splits: Splits,
    dictionary: DictionaryTagger,
    pretrain_epochs: float = 0.0,
    seed: int = 13,
) -> dict[str, Any]:
    """The BIO tagger, trained for `epochs` (or until `seconds`), into `folder`; with
    `pretrain_epochs` it first trains on BC5CDR's chemical and disease mentions (at most half
    of `seconds`). `seed` sets the head's initial weights and the order of the batches.
    Whether the service unions its spans with `dictionary`'s is decided by strict NER F1 on
    dev."""
    train = [s for s in splits.sentences["train"] if not s.negative]
    torch.manual_seed(seed)
    bundle = new_tagger(resolve_model_dir(settings.models.encoder_dir))
    t0 = time.monotonic()
    meta: dict[str, Any] = {"train_sentences": len(train), "epochs": epochs, "seed": seed}
    if pretrain_epochs > 0:
        held_out = {s.pmid for k in ("dev", "test") for s in splits.sentences[k]}
        cdr = pretraining_sentences(settings.ade.pretrain_corpus_dir, held_out)
        logger.info("tagger: pre-training on %d BC5CDR sentences", len(cdr))
        run: dict[str, Any] = {}
        pre = train_tagger(
            bundle, cdr, pretrain_epochs, seed=seed, max_seconds=seconds / 2, report=run
        )
        meta["pretrain"] = {
            "corpus": str(settings.ade.pretrain_corpus_dir),
            "sentences": len(cdr),
            "epochs": pretrain_epochs,
            "loss_first_last": [pre[0], pre[-1]] if pre else [],
            **run,  # planned and done steps, whether the time budget cut them, seconds
        }
    remaining = seconds - (time.monotonic() - t0)
    budget: dict[str, Any] = {}
    losses = train_tagger(bundle, train, epochs, seed=seed, max_seconds=remaining, report=budget)
    bundle.model.eval()
    dev = splits.sentences["dev"]
    decoder = fit_decoder(bundle, train, dev)
    # the decoder's dev F1 is the tagger's own: no second pass over dev for it
    dev_f1 = {
        "neural": decoder["dev_ner_f1"],
        "union": ner_f1(UnionTagger(bundle, dictionary), dev),
    }
    meta |= {
        "steps": len(losses),
        "planned_steps": budget["planned_steps"],
        "stopped_by_budget": budget["stopped_by_budget"]
        or bool(meta.get("pretrain", {}).get("stopped_by_budget")),
        "loss_first_last": [losses[0], losses[-1]] if losses else [],
        "train_seconds": round(time.monotonic() - t0, 1),
        "dev_ner_f1": dev_f1,
        "decoder": decoder,
        UNION_KEY: dev_f1["union"] > dev_f1["neural"],
    }
    save_tagger(bundle, folder, meta)
    return meta


def train_default(
    settings: Settings,
    tagger_seconds: float = 0.0,
    cfg: TrainConfig = CPU_DEFAULT,
    tagger_epochs: float = 3.0,
    tagger_only: bool = False,
    tagger_pretrain_epochs: float = 0.0,
    pair: str = "crag",
    marker_cfg: TrainConfig = CPU_MARKER,
    gate_seconds: float = 0.0,
) -> dict[str, Any]:
    """The dictionary, with `tagger_seconds` the neural tagger, then the pair classifier(s)
    of `pair` (PAIR_CHOICES; "crag" trains `cfg` into pair/, "marker" `marker_cfg` into
    single/) unless `tagger_only` (the saved ones are kept), then with `gate_seconds` the
    sentence gate (one epoch at most, into gate/; its threshold set with the served models).
    A pair classifier trained with tagged negatives takes them from the neural tagger (the
    dictionary one when there is none). The test figures go to report.json (merged into the
    previous report when only the tagger is retrained); the end-to-end ones use the pair
    classifier the service would choose (`pair_folder`)."""
    torch.set_num_threads(settings.models.torch_threads)
    folder = ade_dir(settings)
    t0 = time.monotonic()
    report: dict[str, Any] = {}
    if (folder / REPORT).is_file() and tagger_only:
        report = json.loads((folder / REPORT).read_text())
    splits = make_splits(load_corpus(settings.ade.corpus_dir))
    dictionary = build_dictionary(settings, folder, splits)
    if tagger_seconds > 0:
        report["neural_tagger"] = train_neural_tagger(
            settings,
            folder / "tagger",
            tagger_seconds,
            tagger_epochs,
            splits,
            dictionary,
            tagger_pretrain_epochs,
        )
    neural = saved_tagger(folder / "tagger", settings.models.encoder_dir)
    for name in () if tagger_only else PAIR_CHOICES[pair]:
        report[name] = fit_pair_classifier(
            settings.ade.corpus_dir,
            folder / name,
            cfg if name == "pair" else marker_cfg,
            settings.models.encoder_dir,
            settings.models.torch_threads,
            tagger=neural or dictionary,
        )
    served = pair_folder(folder, settings.ade.pair_model)
    report["served_pair_model"] = served.name
    bundle = load_bundle(served, settings.models.encoder_dir)
    if gate_seconds > 0:
        tagger = served_tagger(folder, settings.models.encoder_dir)
        gate = train_sentence_gate(
            settings, folder / "gate", splits, tagger, bundle, 1.0, gate_seconds
        )
        keep = ("train", "threshold", "test_sentences", "test_gate", "test_no_gate")
        report["sentence_gate"] = {k: gate[k] for k in keep}
    test = splits.sentences["test"]
    report["end_to_end_test_dictionary_tagger"] = end_to_end(dictionary, bundle, test)
    if neural is not None:
        report["end_to_end_test_neural_tagger"] = end_to_end(neural, bundle, test)
        report["end_to_end_test_neural_tagger_with_ade_neg"] = end_to_end(
            neural, bundle, test, include_negative=True
        )
        report["end_to_end_test_union_tagger"] = end_to_end(
            UnionTagger(neural, dictionary), bundle, test
        )
    report["total_seconds"] = round(time.monotonic() - t0, 1)
    (folder / REPORT).write_text(json.dumps(report, indent=2, sort_keys=True))
    return report


def evaluate_gate(
    gate: GateBundle, tagger: SpanTagger, pair: PairBundle, splits: Splits
) -> dict[str, Any]:
    """Set `gate`'s threshold: the one of GATE_THRESHOLDS with the best strict end-to-end
    relation F1 on dev with the dev ADE-NEG sentences included (`tagger` + `pair`; the lowest
    on a tie), then report dev and test with and without the gate: with ADE-NEG, and on the
    sentences with relations alone (where the gate can only lose relations)."""
    tagger = MemoTagger(tagger)  # every threshold sees the same mentions, tagged once
    score = MemoScores(pair)  # and the same candidate pairs, scored once
    out: dict[str, Any] = {"pair_model": pair.version, "splits_fingerprint": splits.fingerprint}
    scores = {}
    for split in ("dev", "test"):
        sents = splits.sentences[split]
        t0 = time.monotonic()
        scores[split] = gate.scores([s.text for s in sents])
        labels = [int(not s.negative) for s in sents]
        out[f"{split}_sentences"] = binary_metrics(labels, scores[split], 0.5)
        out[f"{split}_sentences"]["per_second"] = round(len(sents) / (time.monotonic() - t0), 1)

    def e2e(split: str, threshold: float, negative: bool) -> dict[str, Any]:
        sents = splits.sentences[split]
        skip = {s.key for s, p in zip(sents, scores[split], strict=True) if p < threshold}
        return end_to_end(tagger, pair, sents, negative, skip, score)

    by_t = {}
    for t in GATE_THRESHOLDS:
        by_t[t] = e2e("dev", t, True)["relation_strict"]["f1"]
        logger.info("gate: threshold %.2f, dev strict F1 with ADE-NEG %.4f", t, by_t[t])
    best = max(GATE_THRESHOLDS, key=lambda t: (by_t[t], -t))
    out["dev_f1_with_ade_neg_by_threshold"] = {str(t): f for t, f in by_t.items()}
    out["threshold"] = best
    for split in ("dev", "test"):
        for t, name in ((0.0, "no_gate"), (best, "gate")):
            out[f"{split}_{name}"] = {
                "with_ade_neg": e2e(split, t, True),
                "sentences_with_relations": e2e(split, t, False)["relation_strict"],
            }
    set_threshold(gate, best)
    return out


def train_sentence_gate(
    settings: Settings,
    folder: Path,
    splits: Splits,
    tagger: SpanTagger,
    pair: PairBundle,
    epochs: float = 1.0,
    seconds: float = 900.0,
) -> dict[str, Any]:
    """The sentence gate (`extraction/ade/gate.py`), trained on the training split's sentences
    for `epochs` (or until `seconds`), its threshold set by `evaluate_gate`, into `folder`."""
    gate = new_gate(resolve_model_dir(settings.models.encoder_dir))
    t0 = time.monotonic()
    run: dict[str, Any] = {}
    losses = train_gate(gate, splits.sentences["train"], epochs, max_seconds=seconds, report=run)
    meta: dict[str, Any] = {
        "train": {
            "sentences": len(splits.sentences["train"]),
            "epochs": epochs,
            "loss_first_last_100": [sum(x) / max(1, len(x)) for x in (losses[:100], losses[-100:])],
            **run,  # planned and done steps, whether the time budget cut them
            "seconds": round(time.monotonic() - t0, 1),
        }
    }
    meta |= evaluate_gate(gate, tagger, pair, splits)
    save_gate(gate, folder, meta)
    return meta
