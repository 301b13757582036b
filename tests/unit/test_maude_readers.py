"""MAUDE readers on fixtures in each real layout: reports fold rows by MDR_REPORT_KEY, bad
rows are reported with file and line, and the three layouts agree on the same reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.exceptions import ExtractionError
from extraction.maude.readers import read_joined_csv, read_openfda_json, read_reports
from extraction.maude.records import iso_date, severity_of

DATA = Path(__file__).resolve().parents[1] / "data" / "maude"
CSV = DATA / "mesh_p_data_sample.csv"
BULK = [DATA / "mdrfoi_sample.txt", DATA / "foitext_sample.txt", DATA / "foidev_sample.txt"]
JSON = DATA / "device_event_sample.json"
LABELS = {
    "263399": "Injury",
    "272787": "Other",
    "307603": "Injury",
    "314921": None,
    "384871": "Injury",
    "388664": "Malfunction",
    "501741": "Death",
    "883196": "Death",
}


def test_joined_csv_reports_the_truncated_row_and_loads_the_rest() -> None:
    res = read_joined_csv(CSV)
    assert {r.mdr_report_key: r.label for r in res.reports} == LABELS
    assert [str(i) for i in res.issues] == [f"{CSV}:5: 60 fields, header has 120"]
    two = next(r for r in res.reports if r.mdr_report_key == "384871")
    assert len(two.narratives) == 2 and two.text.count("\n") == 1
    first = res.reports[0]
    assert first.date_received == "2000-02-16" and first.id == "MDR:263399"
    assert first.devices[0].brand_name == "BARD COMPOSIT MESH GRAFT"
    assert first.devices[0].product_code == "LMO"
    assert len(res.labelled()) == 7  # the no-answer report is not a training example


def test_bulk_files_join_by_key_rewrap_text_and_name_bad_lines() -> None:
    res = read_reports(BULK)
    assert {r.mdr_report_key: r.label for r in res.reports} == LABELS
    assert sorted(str(i) for i in res.issues) == [
        f"{BULK[1]}:8: 3 fields, header has 6",
        f"{BULK[0]}:4: 20 fields, header has 82",
    ]
    wrapped = next(r for r in res.reports if r.mdr_report_key == "307603")
    assert wrapped.text == (
        "PT UNDERWENT VENTRAL HERNIA SURGERY. SURGERY REVISION DUE TO INFECTION OF WOUND."
    )


def test_openfda_json_reports_the_bad_event() -> None:
    res = read_openfda_json(JSON)
    assert {r.mdr_report_key: r.label for r in res.reports} == LABELS
    assert [str(i) for i in res.issues] == [f"{JSON}:results[2]: unknown event type 'Explosion'"]


def test_the_three_layouts_agree() -> None:
    views = [read_reports([CSV]), read_reports(BULK), read_reports([JSON])]
    texts = [{r.mdr_report_key: r.text for r in v.reports} for v in views]
    devices = [{r.mdr_report_key: r.devices for r in v.reports} for v in views]
    dates = [{r.mdr_report_key: r.date_received for r in v.reports} for v in views]
    assert texts[0] == texts[1] == texts[2]
    assert devices[0] == devices[1] == devices[2]
    assert dates[0] == dates[1] == dates[2]


def test_unknown_inputs_are_named(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="no such file"):
        read_reports([tmp_path / "missing.csv"])
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(ExtractionError, match=r"other.csv:1: not a joined MAUDE CSV"):
        read_reports([other])
    with pytest.raises(ExtractionError, match="needs an mdrfoi and a foitext"):
        read_reports([BULK[0]])


def test_codes_and_dates() -> None:
    assert severity_of("IN") == "Injury" and severity_of("No answer provided") is None
    assert iso_date("02/16/2000") == iso_date("20000216") == "2000-02-16"
    with pytest.raises(ValueError, match="unparseable date"):
        iso_date("16.02.2000")
