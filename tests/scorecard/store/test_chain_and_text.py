"""The audit log's hash chain, and text made safe for spreadsheets and XML — unit tests without data."""

from __future__ import annotations

import pandas as pd
import pytest

from scorecard.store import chain, text


def _log(*whos: str) -> bytes:
    data, _ = chain.append(b"", [{"who": who, "action": "ingest"} for who in whos])
    return data


def test_a_chain_verifies_and_each_line_carries_the_hash_of_the_one_before():
    data = _log("a", "b", "c")
    entries = chain.verify(data, chain.head(data))
    assert [e["who"] for e in entries] == ["a", "b", "c"]
    assert entries[0]["prev"] == chain.GENESIS
    first, second = data.splitlines()[:2]
    assert entries[1]["prev"] == chain.head(first + b"\n")  # the hash of line 1's bytes
    appended, head = chain.append(data, [{"who": "d"}])
    assert appended.startswith(data) and head == chain.head(appended)
    assert chain.verify(b"", chain.GENESIS) == []


@pytest.mark.parametrize(
    "tamper,where",
    [
        (lambda lines: [lines[0].replace(b'"a"', b'"z"'), *lines[1:]], "line 2: does not follow line 1"),
        (lambda lines: [lines[0], lines[2]], "line 2: does not follow line 1"),  # a line removed
        (lambda lines: [lines[0], lines[0], *lines[1:]], "line 2: does not follow line 1"),  # a line inserted
        (lambda lines: lines[1:], "line 1: not the start of the log"),
        (lambda lines: [lines[0], b"{not json", lines[2]], "line 2: not a JSON entry"),
    ],
)
def test_an_altered_line_breaks_the_chain(tamper, where):
    data = _log("a", "b", "c")
    changed = b"\n".join(tamper(data.splitlines())) + b"\n"
    with pytest.raises(chain.ChainError, match=where):
        chain.verify(changed, None)


def test_removing_or_changing_the_last_line_is_caught_by_the_recorded_head():
    data = _log("a", "b", "c")
    head = chain.head(data)
    truncated = b"\n".join(data.splitlines()[:2]) + b"\n"
    assert chain.verify(truncated, None)  # still a chain on its own...
    with pytest.raises(chain.ChainError, match="ends at line 2"):
        chain.verify(truncated, head)  # ...but not the one the last commit recorded
    last_changed = data.replace(b'"c"', b'"x"')
    with pytest.raises(chain.ChainError, match="ends at line 3"):
        chain.verify(last_changed, head)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("-4", "-4"),  # a plain number stays a number
        ("-3.5%", "-3.5%"),
        ("-1,234.5", "-1,234.5"),
        ("Staff shortage", "Staff shortage"),
        ("line\x0bbreak", "line break"),
        (12.5, 12.5),
        (None, None),
    ],
)
def test_spreadsheet_cells_are_never_formulas(value, expected):
    assert text.spreadsheet_cell(value) == expected


def test_csv_bytes_neutralise_text_but_not_numbers():
    frame = pd.DataFrame({"title": ["=1+1", "ok"], "value": [-4.0, 2.0], "=bad column": ["a", "b"]})
    written = text.csv_bytes(frame).decode("utf-8")
    assert written.splitlines() == ["title,value,'=bad column", "'=1+1,-4.0,a", "ok,2.0,b"]


def test_cleaned_replaces_control_characters_everywhere_in_a_structure():
    from dataclasses import dataclass

    @dataclass
    class Row:
        title: str
        reasons: list[str]
        count: int

    row = text.cleaned(Row("Title\x0bwith a vertical tab", ["a\x07b", "fine"], 3))
    assert row == Row("Title with a vertical tab", ["a b", "fine"], 3)
    assert text.cleaned({"k": ("x\x00",)}) == {"k": ("x ",)}
    assert text.without_controls("tab\tand\nnewline\rkept") == "tab\tand\nnewline\rkept"
