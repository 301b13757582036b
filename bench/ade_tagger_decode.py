"""How the ADE tagger's spans are decoded from its token log-probabilities, measured as strict
NER F1 (all, DRUG, AE) on the PMID-disjoint dev and test sentences with relations:

- `argmax_subword`: each token's argmax label, spans cut wherever a piece changes label;
- `argmax_words`: each word labelled as its first piece's argmax (`whole_words`);
- `viterbi`: the best BIO-valid path over the words' first pieces (no transition prior);
- `viterbi_prior`: that plus the training split's label transitions, weighted as `fit_decoder`
  chooses on dev;
- `viterbi_prior_nested`: that plus drugs nested inside AE spans, with the margin that
  `fit_decoder` chooses on dev (the decoder a tagger trained now is saved with).

    .venv/bin/python -m bench.ade_tagger_decode [--tagger var/ade/tagger] [--save]

`--save` writes the fitted prior, weight and margin into the tagger's checkpoint (tagger.pt, and
`decoder` in tagger.json), as `evigraph extract ade-train` does for a tagger it trains.
Prints JSON."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import torch

from core.settings import get_settings
from extraction.ade.data import Sentence, load_corpus, make_splits
from extraction.ade.e2e import ner_sets
from extraction.ade.evaluate import strict_f1
from extraction.ade.pipeline import fit_decoder
from extraction.ade.service import ade_dir
from extraction.ade.tagger import (
    Span,
    Tagged,
    TaggerBundle,
    decode,
    load_tagger,
    save_tagger,
    whole_words,
)

Decoder = Callable[[Tagged], dict[str, list[Span]]]


def _scores(sents: list[Sentence], spans: list[dict[str, list[Span]]]) -> dict[str, float]:
    gold, pred = ner_sets(sents, spans)
    out = {"all": strict_f1(gold, pred)["f1"]}
    for kind in ("DRUG", "AE"):
        g = {x for x in gold if x[1] == kind}
        out[kind] = strict_f1(g, {x for x in pred if x[1] == kind})["f1"]
    return out


def _decoders(bundle: TaggerBundle) -> dict[str, Decoder]:
    def argmax(t: Tagged) -> list[int]:
        return [int(x) for x in t.logp.argmax(-1)]

    return {
        "argmax_subword": lambda t: decode(t.offsets, argmax(t)),
        "argmax_words": lambda t: decode(t.offsets, whole_words(t.words, argmax(t))),
        "viterbi": lambda t: bundle.spans(t, prior_weight=0.0, nested_margin=0.0),
        "viterbi_prior": lambda t: bundle.spans(t, nested_margin=0.0),
        "viterbi_prior_nested": lambda t: bundle.spans(t),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tagger", type=Path, default=None, help="default: <var>/ade/tagger")
    ap.add_argument("--save", action="store_true", help="write the fitted decoder into it")
    args = ap.parse_args()
    settings = get_settings()
    torch.set_num_threads(settings.models.torch_threads)
    folder = args.tagger or ade_dir(settings) / "tagger"
    splits = make_splits(load_corpus(settings.ade.corpus_dir))
    bundle = load_tagger(folder, settings.models.encoder_dir)
    t0 = time.monotonic()
    train = [s for s in splits.sentences["train"] if not s.negative]
    fitted = fit_decoder(bundle, train, splits.sentences["dev"])
    report: dict[str, object] = {"tagger": str(folder), "splits": splits.fingerprint}
    report["decoder"] = fitted
    for split in ("dev", "test"):
        sents = [s for s in splits.sentences[split] if not s.negative]
        tagged = bundle.log_probs([s.text for s in sents])
        report[split] = {
            name: _scores(sents, [dec(t) for t in tagged])
            for name, dec in _decoders(bundle).items()
        }
    report["seconds"] = round(time.monotonic() - t0, 1)
    if args.save:
        meta = json.loads((folder / "tagger.json").read_text())
        meta["decoder"] = fitted
        save_tagger(bundle, folder, meta)
        report["saved"] = str(folder / "tagger.pt")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
