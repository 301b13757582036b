"""The pure parts of bench/browser.py: the Browser URL, the :param commands typed into the
editor, and the reading of a result frame (status bar text and table cells as the Browser
renders them)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bench.browser import PARAMS, QUERY, browser_url, cypher_literal, param_commands
from bench.browser_page import column_values, same_command, streamed_records
from bench.cdp import BrowserCheckError, find_chromium
from graph import analyst


def test_browser_url_fills_the_connect_form_but_the_password() -> None:
    url = browser_url(7484, 7713, "neo4j")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "127.0.0.1:7484", "/browser/")
    assert parse_qs(parts.query) == {"dbms": ["bolt://neo4j@127.0.0.1:7713"]}


@pytest.mark.parametrize(
    "value,literal",
    [
        ("ORPHA:558", "'ORPHA:558'"),
        ("it's \\ odd", "'it\\'s \\\\ odd'"),
        (200, "200"),
        (0.5, "0.5"),
        (False, "false"),
        (None, "null"),
        (["HP:1", "HP:2"], "['HP:1', 'HP:2']"),
    ],
)
def test_cypher_literal(value: object, literal: str) -> None:
    assert cypher_literal(value) == literal


def test_cypher_literal_refuses_what_cypher_has_no_literal_for() -> None:
    with pytest.raises(TypeError):
        cypher_literal({"a": 1})


def test_param_commands_set_every_parameter_of_the_query_with_defaults() -> None:
    params = analyst.bind(analyst.describe(QUERY), PARAMS)
    assert param_commands(params) == [
        ":param disease => 'ORPHA:558'",
        ":param limit => 200",  # `=>`: evaluated by the server, so LIMIT gets an integer
    ]


def test_streamed_records() -> None:
    assert (
        streamed_records("Started streaming 68 records after 1 ms and completed after 3 ms.") == 68
    )
    assert streamed_records("Started streaming 1 record after 1 ms and completed after 2 ms.") == 1
    assert streamed_records("(no changes, no records)") is None


def test_column_values_unquote_the_browsers_strings() -> None:
    head = ["", "phenotype", "name"]
    rows = [["1", '"HP:0001166"', '"Arachnodactyly"'], ["2", '"HP:0001519"', "null"]]
    assert column_values(head, rows, "phenotype") == ["HP:0001166", "HP:0001519"]
    assert column_values(head, rows, "name") == ["Arachnodactyly", "null"]


def test_column_values_fail_on_a_missing_column_or_a_ragged_row() -> None:
    with pytest.raises(BrowserCheckError, match="no column 'gene'"):
        column_values(["", "phenotype"], [["1", '"HP:1"']], "gene")
    with pytest.raises(BrowserCheckError, match="1 cells for 2 columns"):
        column_values(["", "phenotype"], [['"HP:1"']], "phenotype")


def test_same_command_ignores_how_the_frame_header_wraps_it() -> None:
    typed = "// a comment\nMATCH (n)\n  RETURN n"
    assert same_command("// a comment MATCH (n) RETURN n", typed)
    assert not same_command("MATCH (n) RETURN n", typed)


def test_find_chromium_says_what_to_install() -> None:
    with pytest.raises(BrowserCheckError, match="apt-get install chromium"):
        find_chromium("no-such-chromium-here")
