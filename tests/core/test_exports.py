"""core.exports: CSV cells that spreadsheets cannot run as formulas, streamed line by line."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core.exports import csv_response, csv_stream, safe_csv_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+34 600", "'+34 600"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("\n=cmd", "'\n=cmd"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("Pérez", "Pérez"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-5, "-5"),
        (Decimal("-1.50"), "-1.50"),
        (2.5, "2.5"),
        (True, "true"),
        (date(2026, 2, 2), "2026-02-02"),
        (datetime(2026, 2, 2, 7, 30, tzinfo=UTC), "2026-02-02T07:30:00+00:00"),
        ({"b": "=x", "a": 1}, '{"a": 1, "b": "=x"}'),
        (["=x"], '["=x"]'),
    ],
)
def test_safe_csv_cell(value, cell):
    assert safe_csv_cell(value) == cell


def test_csv_stream_yields_one_line_per_row_with_every_cell_made_safe():
    lines = list(csv_stream(["nombre", "=titulo"], [["Ana", "=1+1"], ["-x", 3]]))

    assert lines == ["\ufeffnombre,'=titulo\r\n", "Ana,'=1+1\r\n", "'-x,3\r\n"]


def test_csv_stream_is_lazy():
    def rows():
        yield ["a"]
        raise AssertionError("read too far")

    stream = csv_stream(["h"], rows())
    assert next(stream) == "\ufeffh\r\n"
    assert next(stream) == "a\r\n"


def test_csv_response_is_a_streamed_attachment():
    response = csv_response("datos.csv", ["a", "b"], [["x,y", 'comillas "dobles"']])

    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="datos.csv"'
    assert response["Cache-Control"] == "no-store"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert list(csv.reader(io.StringIO(body.lstrip("\ufeff")))) == [
        ["a", "b"],
        ["x,y", 'comillas "dobles"'],
    ]
