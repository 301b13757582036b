"""What the span tagger and the sentence gate share: a fine-tuned encoder with a small head,
trained by one loop and saved as one `.pt` (its config, state dict and any extra tensors)
beside a JSON of its figures."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import torch
from torch import nn

from core.encoders import ModelDir, resolve_model_dir
from core.exceptions import ModelLoadError
from core.progress import Progress

T = TypeVar("T")


def train_steps(
    model: nn.Module,
    items: Sequence[T],
    batch_loss: Callable[[Sequence[T]], torch.Tensor],
    *,
    epochs: float,
    batch_size: int,
    lr: float,
    seed: int,
    max_seconds: float,
    name: str,
    log: logging.Logger,
    log_every: int = 0,
    report: dict[str, Any] | None = None,
) -> list[float]:
    """AdamW (weight decay 0.01) with a linear decay to 0 over `epochs` passes of whole
    batches of the shuffled `items`: a fixed recipe of steps. `max_seconds` is a safety net:
    when it stops the run early a warning says how much of the recipe was cut, and `report`
    (when given) records it beside the planned and done steps. Progress lines (step, epoch,
    loss, rate, ETA) go to `log` at least every 30 s (core/progress.py), a summary after
    each pass, and every `log_every` steps when it is set. Returns the loss of each step."""
    rng = random.Random(seed)
    order = list(items)
    per_epoch = len(order) // batch_size
    steps = int(len(order) / batch_size * epochs)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, 1 - s / max(1, steps)))
    losses: list[float] = []
    progress = Progress(name, steps, log, steps_per_epoch=per_epoch)
    start = time.monotonic()
    deadline = start + max_seconds
    model.train()
    while len(losses) < steps and time.monotonic() < deadline:
        rng.shuffle(order)
        first = len(losses)
        for k in range(0, len(order) - batch_size + 1, batch_size):
            if len(losses) >= steps or time.monotonic() > deadline:
                break
            loss = batch_loss(order[k : k + batch_size])
            opt.zero_grad()
            torch.autograd.backward(loss)
            opt.step()
            sched.step()
            losses.append(float(loss.detach()))
            progress.update(len(losses), sum(losses[-50:]) / len(losses[-50:]))
            if log_every and len(losses) % log_every == 0:
                _log_window(log, name, losses, steps, log_every, start)
        log.info(
            "%s: step %d of %d, mean loss of this pass %.4f, %.0f s",
            name,
            len(losses),
            steps,
            sum(losses[first:]) / max(1, len(losses) - first),
            time.monotonic() - start,
        )
    _budget_report(log, name, len(losses), steps, max_seconds, time.monotonic() - start, report)
    return losses


def _log_window(
    log: logging.Logger, name: str, losses: list[float], steps: int, n: int, start: float
) -> None:
    mean = sum(losses[-n:]) / n
    elapsed = time.monotonic() - start
    log.info(
        "%s: step %d of %d, loss of the last %d %.4f, %.0f s",
        name,
        len(losses),
        steps,
        n,
        mean,
        elapsed,
    )


def _budget_report(
    log: logging.Logger,
    name: str,
    done: int,
    planned: int,
    budget_s: float,
    seconds: float,
    report: dict[str, Any] | None,
) -> None:
    """Warn when the time budget, not the recipe, ended the run; record it in `report`."""
    cut = planned - done
    if cut > 0:
        log.warning(
            "%s: the time budget of %.0f s stopped training after step %d of %d: %d steps "
            "(%.0f%% of the recipe) were cut, so this model differs from the recipe's",
            name,
            budget_s,
            done,
            planned,
            cut,
            100 * cut / max(1, planned),
        )
    if report is not None:
        report.update(
            planned_steps=planned,
            steps=done,
            stopped_by_budget=cut > 0,
            budget_seconds=budget_s,
            seconds=round(seconds, 1),
        )


def save_head(
    model: nn.Module,
    cfg: Any,
    path: Path,
    meta: dict[str, object],
    meta_name: str,
    **extra: torch.Tensor,
) -> None:
    """`cfg` (a dataclass), `model`'s state dict and `extra` tensors into `path`; `meta` as
    JSON into `meta_name` beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.cpu() for k, v in model.state_dict().items()}
    torch.save({"config": asdict(cfg), "state_dict": state, **extra}, path)
    (path.parent / meta_name).write_text(json.dumps(meta, indent=2, sort_keys=True))


def load_head(
    path: Path, what: str, how: str, encoder_dir: Path | None = None
) -> tuple[dict[str, Any], nn.Module, ModelDir]:
    """The saved state of `path` (a `what`, trained by `how`), an encoder of the architecture
    of `encoder_dir` to load it into, and that model directory. Refuses a missing file and a
    checkpoint trained on another encoder."""
    folder = path.parent
    if not path.is_file():
        raise ModelLoadError(f"{folder}: no {path.name}; train it with {how}")
    state: dict[str, Any] = torch.load(path, map_location="cpu", weights_only=True)
    trained_on = state["config"]["encoder_id"]
    model_dir = resolve_model_dir(encoder_dir)
    if model_dir.encoder_id != trained_on:
        raise ModelLoadError(
            f"{folder}: {what} trained on {trained_on}, not {model_dir.encoder_id}"
        )
    from transformers import AutoConfig, AutoModel

    enc = AutoModel.from_config(AutoConfig.from_pretrained(str(model_dir.path)))  # type: ignore[no-untyped-call]
    return state, enc, model_dir
