"""Why DBM learns slowly: gradient norms and the scale of the DBM term at init and after epochs.

Offline (no Neo4j): reads a QA folder and an embedding-index folder from var/.

    python -m bench.caff_dbm_scale --qa var/qa/<fp> --index var/index/<encoder>/<version> \
        --configs caff,no_dbm --epochs 1

For each config it prints, on one fixed batch of training questions: the gradient norm of every
parameter group, and at hops 2-3 (where z != 0) the std of the base logit, of the context term
(DBM or the linear C term) and of each DBM factor (gate, A z, B z, Q^T P, Q_l^T E[r]); then the
same after `--epochs` epochs of the config's own schedule, with each parameter's relative change.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from core.encoders import resolve_model_dir
from core.settings import get_settings
from retrieval.caff import pipeline
from retrieval.caff.config import load_config
from retrieval.caff.data import Features, QAData, load_qa, make_batch
from retrieval.caff.model import Batch, HopScorer
from retrieval.caff.train import new_model, seed_everything, train
from retrieval.embeddings import _load, load_encoder


def _std(x: torch.Tensor) -> float:
    return float(x.std()) if x.numel() > 1 else 0.0


def probe(model: HopScorer, batch: Batch, y: torch.Tensor) -> dict[str, float]:
    """Gradient norms and term scales of `model` on one batch (hops 2-3 for the terms)."""
    model.train()
    model.zero_grad()
    loss = torch.nn.functional.binary_cross_entropy_with_logits(model(batch), y)
    loss.backward()  # type: ignore[no-untyped-call]
    out = {
        f"grad|{n}|": float(p.grad.norm())
        for n, p in model.named_parameters()
        if p.grad is not None
    }
    with torch.no_grad():
        deep = batch.hop > 0
        e = model.relations[batch.rel]
        qw = torch.einsum("nd,lde->nle", batch.q, model.W)
        base = (qw[batch.qi, batch.hop] * e).sum(-1) + model.b[batch.hop]
        out["std base logit (hop>=2)"] = _std(base[deep])
        z = batch.z
        out["mean |z| (hop>=2)"] = float(z[batch.qi, batch.hop][deep].norm(dim=-1).mean())
        if model.cfg.use_dbm:
            out["std DBM term (hop>=2)"] = _std(model._dbm(batch, z)[deep])
            zz = z[batch.qi, batch.hop][deep]  # (n, D)
            hop = batch.hop[deep]
            qq = batch.q[batch.qi][deep]
            ee = e[deep]
            terms = {
                "gate": torch.sigmoid(torch.einsum("nd,nrd->nr", zz, model.U[hop])),
                "A z": torch.einsum("nd,nrd->nr", zz, model.A[hop]),
                "B z": torch.einsum("nd,nrd->nr", zz, model.B[hop]),
                "Q^T P": torch.einsum("nd,ndr->nr", qq, model.P[hop]),
                "Qr^T E[r]": torch.einsum("nd,ndr->nr", ee, model.Qr[hop]),
            }
            for k, v in terms.items():
                out[f"rms {k}"] = float(v.pow(2).mean().sqrt())
        elif model.cfg.use_csv:
            ctx = torch.einsum("nld,lde->nle", z, model.C)
            out["std C term (hop>=2)"] = _std((ctx[batch.qi, batch.hop] * e).sum(-1)[deep])
    model.zero_grad()
    return out


def _show(title: str, stats: dict[str, float]) -> None:
    print(f"  {title}")
    for k, v in stats.items():
        print(f"    {k:28s} {v:.3e}")


def run(config: str, data: QAData, feats: Features, epochs: int, seed: int) -> None:
    cfg = replace(load_config(config), epochs=epochs, seed=seed)
    train_q = data.split_ids("train")
    rng = np.random.default_rng(0)
    probe_q = sorted(rng.choice(train_q, size=min(64, len(train_q)), replace=False).tolist())
    batch, y = make_batch(data, feats, probe_q, cfg)
    seed_everything(seed)
    init = new_model(cfg, feats)
    print(f"{config} (seed {seed}):")
    _show("at init", probe(init, batch, y))
    trained = train(cfg, data, feats)
    after = probe(trained.model, batch, y)
    start = dict(init.named_parameters())
    for n, p in trained.model.named_parameters():
        p0 = start[n].detach()
        after[f"rel change {n}"] = float((p.detach() - p0).norm() / p0.norm().clamp_min(1e-12))
    dev = [round(h["dev_f1"], 4) for h in trained.history]
    _show(f"after {len(trained.history)} epoch(s) of the schedule (dev F1 {dev})", after)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qa", type=Path, required=True)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--configs", default="caff,no_dbm")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    settings = get_settings()
    torch.set_num_threads(settings.models.torch_threads)
    encoder = load_encoder(resolve_model_dir(settings.models.encoder_dir), settings.models)
    data = load_qa(args.qa)
    feats = pipeline.features(data, encoder, _load(args.index))
    for name in args.configs.split(","):
        run(name.strip(), data, feats, args.epochs, args.seed)


if __name__ == "__main__":
    main()
