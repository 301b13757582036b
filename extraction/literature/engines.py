"""Engines of the extract stage. Each maps tasks (a batch of documents and the marker keys
already read) to rows, in task order:

- local: this process, the models loaded once;
- ray: Ray Data, `map_batches` over an actor pool of a callable class, so each worker loads
  the models once; local mode on this machine unless `address` names a cluster."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import orjson

from core.exceptions import ConfigError
from extraction.literature.documents import Annotation, LitDocument, Section
from extraction.literature.extractors import Extractor, Row, extract_batch

logger = logging.getLogger(__name__)
Factory = Callable[[], Sequence[Extractor]]


@dataclass(frozen=True)
class Task:
    seq: int
    docs: tuple[LitDocument, ...]
    done: frozenset[str]


Engine = Callable[[Iterable[Task]], Iterator[tuple[Task, list[Row]]]]


def local_engine(extractors: Sequence[Extractor]) -> Engine:
    def run(tasks: Iterable[Task]) -> Iterator[tuple[Task, list[Row]]]:
        for t in tasks:
            yield t, extract_batch(extractors, t.docs, t.done)

    return run


def encode_task(t: Task) -> bytes:
    return orjson.dumps({"seq": t.seq, "docs": [asdict(d) for d in t.docs], "done": sorted(t.done)})


def decode_task(blob: bytes) -> Task:
    raw = orjson.loads(blob)
    docs = tuple(
        LitDocument(
            **{
                **d,
                "sections": tuple(Section(**s) for s in d["sections"]),
                "mesh": tuple(d["mesh"]),
                "chemicals": tuple(d["chemicals"]),
                "annotations": tuple(
                    Annotation(**{**a, "ids": tuple(a["ids"])}) for a in d["annotations"]
                ),
            }
        )
        for d in raw["docs"]
    )
    return Task(raw["seq"], docs, frozenset(raw["done"]))


class RayExtractWorker:
    """The callable class of `map_batches`: one per actor, models loaded in __init__."""

    def __init__(self, factory: Factory) -> None:
        self.extractors = list(factory())

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        seqs, rows = [], []
        for blob in batch["task"]:
            t = decode_task(bytes(blob))
            seqs.append(t.seq)
            rows.append(orjson.dumps(extract_batch(self.extractors, t.docs, t.done)))
        return {"seq": seqs, "rows": rows}


def check_address(address: str, timeout_s: float = 5.0) -> None:
    """A clear error naming `address` when no Ray head answers there (ray.init would wait)."""
    target = address.removeprefix("ray://")
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"Ray address {address!r}: expected HOST:PORT or ray://HOST:PORT")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout_s):
            pass
    except OSError as e:
        raise ConfigError(f"Ray cluster at {address} is unreachable: {e}") from e


def start_ray(address: str | None, num_cpus: int) -> None:
    import ray

    if address:
        check_address(address)
    if ray.is_initialized():
        return
    kwargs: dict[str, Any] = {"address": address} if address else {"num_cpus": num_cpus}
    try:
        ray.init(
            **kwargs,
            include_dashboard=False,
            ignore_reinit_error=True,
            log_to_driver=False,
            logging_level=logging.WARNING,
        )
    except (ConnectionError, RuntimeError) as e:
        raise ConfigError(f"Ray cluster at {address or 'local'} cannot be joined: {e}") from e


def ray_engine(factory: Factory, actors: int = 1) -> Engine:
    """Ray Data: the tasks of a window (the job's; 256 batches of 128 abstracts is a whole
    PubMed update file) as one dataset, `map_batches` over an actor pool of `actors` workers
    of one CPU each, so the models load once per worker and window; output order kept."""
    import ray

    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False

    def run(tasks: Iterable[Task]) -> Iterator[tuple[Task, list[Row]]]:
        chunk = list(tasks)
        if not chunk:
            return
        by_seq = {t.seq: t for t in chunk}
        ds = ray.data.from_items([{"task": encode_task(t)} for t in chunk]).map_batches(
            RayExtractWorker,
            fn_constructor_args=(factory,),
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=min(actors, len(chunk))),
            num_cpus=1,
        )
        for row in ds.iter_rows():
            yield by_seq[int(row["seq"])], orjson.loads(row["rows"])

    return run
