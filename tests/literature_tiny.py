"""A tiny ADE extractor for literature tests: the dictionary tagger over drugs and events of
the fixture abstracts, a random tiny pair model (threshold 0: every candidate pair is a
statement) and an HPO linker of two terms. Built once per folder, deterministic."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch

from core.encoders import resolve_model_dir
from extraction.ade.checkpoint import new_bundle
from extraction.ade.dictionary import DictionaryTagger
from extraction.ade.linking import HpoLinker
from extraction.ade.service import AdeService
from extraction.literature.extractors import AdeExtractor, Extractor
from graph.hpo_terms import HpoTerm
from tests.ade_tiny import make_tiny_encoder

DRUGS = [
    "famotidine", "indomethacin", "nonsteroidal anti-inflammatory drugs", "lithium", "cocaine",
    "cisplatin", "doxorubicin", "haloperidol", "morphine", "heparin", "ketamine", "amphetamine",
    "methamphetamine", "nicotine", "caffeine", "dopamine", "cyclophosphamide", "gentamicin",
]  # fmt: skip
EVENTS = [
    "delirium", "hypotension", "back pain", "pain", "toxicity", "seizures", "hepatotoxicity",
    "nephrotoxicity", "hypertension", "cardiotoxicity", "arrhythmia", "catalepsy",
    "bradycardia", "tachycardia", "proteinuria", "thrombocytopenia", "hepatitis",
]  # fmt: skip
HPO = [HpoTerm("HP:0031258", "Delirium", ()), HpoTerm("HP:0002615", "Hypotension", ())]


def tiny_ade(folder: Path) -> AdeService:
    folder.mkdir(parents=True, exist_ok=True)
    md = resolve_model_dir(make_tiny_encoder(folder))
    torch.manual_seed(0)
    pair = new_bundle(md, "shared", "attention", 64, fusion_dim=16)
    pair.threshold = 0.0
    tagger = DictionaryTagger(DRUGS, EVENTS)
    return AdeService(pair, tagger, HpoLinker(HPO, None), max_chars=20_000, chunk_chars=400)


def given(extractors: Sequence[Extractor]) -> Sequence[Extractor]:
    """A Ray worker's factory that hands over extractors built (and pickled) by the driver."""
    return extractors


def tiny_extractors(folder: Path) -> list[Extractor]:
    return [AdeExtractor(tiny_ade(folder))]
