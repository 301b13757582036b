"""BC5CDR PubTator as tagger pre-training sentences: offsets, types, exclusions, bad lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.exceptions import IngestError
from extraction.ade.data import Sentence, Span
from extraction.ade.pretrain import FILES, pretraining_sentences, read_cdr

DATA = Path(__file__).resolve().parents[1] / "data" / "bc5cdr"


def _texts(s: Sentence, spans: tuple[Span, ...]) -> list[str]:
    return [s.text[a:b] for a, b in spans]


def test_mentions_land_on_their_sentences_as_drug_and_ae_spans() -> None:
    sents = read_cdr(DATA / "CDR_TrainingSet.PubTator.txt")
    first = [s for s in sents if s.pmid == "227508"]
    assert first[0].text == "Naloxone reverses the antihypertensive effect of clonidine."
    assert _texts(first[0], first[0].drugs) == ["Naloxone", "clonidine"]
    assert first[0].aes == ()
    second = first[1]
    assert second.text.startswith("In unanesthetized, spontaneously hypertensive rats")
    assert _texts(second, second.aes) == ["hypertensive"]
    assert _texts(second, second.drugs) == ["clonidine", "nalozone"]  # an id of -1 still counts
    assert all(not s.relations and not s.negative for s in sents)
    # a composite mention (7 fields) is one AE span
    composite = next(s for s in sents if s.pmid == "2234245")
    assert "Ocular and auditory toxicity" in _texts(composite, composite.aes)


def test_every_mention_of_the_fixture_is_kept() -> None:
    lines = (DATA / "CDR_TrainingSet.PubTator.txt").read_text().splitlines()
    mentions = [x.split("\t") for x in lines if x.count("\t") in (5, 6)]
    sents = read_cdr(DATA / "CDR_TrainingSet.PubTator.txt")
    got = sorted((s.pmid, s.text[a:b]) for s in sents for a, b in (*s.drugs, *s.aes))
    assert got == sorted((m[0], m[3]) for m in mentions)


def test_held_out_pmids_are_left_out() -> None:
    every = pretraining_sentences(DATA, [])
    assert {s.pmid for s in every} == {"227508", "2234245", "6794356", "8701013"}
    kept = pretraining_sentences(DATA, ["8701013", "227508"])
    assert {s.pmid for s in kept} == {"2234245", "6794356"}
    assert all(s.drugs or s.aes for s in kept)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("227508\t0\t8\tNaloxonX\tChemical\tD009270", "does not match its offsets"),
        ("227508\t0\tx\tNaloxone\tChemical\tD009270", "offsets must be integers"),
        ("227508\t0\t8\tNaloxone\tGene\tD009270", "Chemical or Disease"),
        ("227508\t0\t8", "expected 4, 6 or 7 fields"),
        ("999\t0\t8\tNaloxone\tChemical\tD009270", "outside its document"),
        ("227508|x|text", "PMID|t|title"),
    ],
)
def test_a_bad_line_names_file_and_line(tmp_path: Path, bad: str, message: str) -> None:
    lines = (DATA / "CDR_TrainingSet.PubTator.txt").read_text().splitlines()
    lines.insert(3, bad)
    path = tmp_path / "bad.PubTator.txt"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(IngestError, match=message) as err:
        read_cdr(path)
    assert err.value.file == str(path) and err.value.where == 4


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    shutil.copy(DATA / FILES[0], tmp_path / FILES[0])
    with pytest.raises(IngestError, match="BC5CDR file missing") as err:
        pretraining_sentences(tmp_path, [])
    assert FILES[1] in str(err.value)
