"""The one CSV writer (courseworx.core.csv): formulas neutralised, numbers kept, no other writer in the code."""

import csv
import datetime as dt
import io
import re
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from courseworx.core import csv as safe_csv

ROOT = Path(__file__).resolve().parents[2]
THE_WRITER = ROOT / "courseworx" / "core" / "csv.py"
SKIP_DIRS = {".venv", "venv", "node_modules", "staticfiles", "media", ".git", "__pycache__", "test-results"}
# Any way of reaching the standard library's writers: csv.writer(...), csv.DictWriter(...), `from csv import
# writer`, an aliased `import csv as x` (x.writer would escape the first pattern) and the C module `_csv`.
BYPASSES = [
    re.compile(r"\bcsv\s*\.\s*(writer|DictWriter)\b"),
    re.compile(r"^\s*from\s+csv\s+import\s+.*\b(writer|DictWriter|\*)", re.MULTILINE),
    re.compile(r"^\s*import\s+csv\s+as\b", re.MULTILINE),
    re.compile(r"^\s*(from|import)\s+_csv\b", re.MULTILINE),
]


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("@SUM(1)", "'@SUM(1)"),
        ("+1", "'+1"),
        ("-1+1", "'-1+1"),
        ("-1", "'-1"),  # a string is text, even when it looks like a number
        ("\t=1", "'\t'=1"),  # both: a tab-separated reading would start a new cell after the tab
        ("\r=1", "'\r=1"),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        # a formula after a separator another locale's spreadsheet would split on
        ("Bob;=1+1", "Bob;'=1+1"),
        ('Bob;"=1+1', "Bob;\"'=1+1"),
        ("a|@SUM(1)", "a|'@SUM(1)"),
        ("a\t-2+3", "a\t'-2+3"),
        ("=a;=b", "'=a;'=b"),
        # harmless text is left alone
        ("Jean-Luc O'Brien", "Jean-Luc O'Brien"),
        ("Smith, -Jones", "Smith, -Jones"),
        ("1+1", "1+1"),
        ("a = b", "a = b"),
        (" =1", " =1"),
        ("", ""),
        ("Zoë", "Zoë"),
    ],
)
def test_text_that_could_be_a_formula_is_neutralised(value, expected):
    assert safe_csv.escape_cell(value) == expected


@pytest.mark.parametrize("value", [-1, 0, 7, -2.5, 1e-3, Decimal("-12.50"), Decimal("3"), True])
def test_numbers_stay_numbers(value):
    assert safe_csv.escape_cell(value) is value
    line = safe_csv.writer().writerow([value])
    assert line == f"{value}\r\n"  # written bare: a spreadsheet reads -12.50 as a negative number


def test_none_dates_and_other_objects():
    pk = uuid.UUID(int=5)
    assert safe_csv.escape_cell(None) == ""
    assert safe_csv.escape_cell(dt.date(2026, 3, 1)) == "2026-03-01"
    assert safe_csv.escape_cell(pk) == str(pk)

    class Sneaky:
        def __str__(self):
            return "=1+1"

    assert safe_csv.escape_cell(Sneaky()) == "'=1+1"


def test_writer_to_a_file_and_round_trip():
    buffer = io.StringIO()
    writer = safe_csv.writer(buffer)
    writer.writerow(["Name", "Refund"])
    writer.writerows([['=HYPERLINK("http://x","y")', Decimal("-12.50")], ["Ann, Lee", 3]])
    assert buffer.getvalue() == ('Name,Refund\r\n"\'=HYPERLINK(""http://x"",""y"")",-12.50\r\n"Ann, Lee",3\r\n')
    assert _rows(buffer.getvalue())[1] == ['\'=HYPERLINK("http://x","y")', "-12.50"]


def test_dict_writer_escapes_header_and_rows():
    buffer = io.StringIO()
    writer = safe_csv.DictWriter(buffer, fieldnames=["name", "-amount"])
    writer.writeheader()
    writer.writerow({"name": "@SUM(1)", "-amount": -5})
    writer.writerows([{"name": "+1"}])
    assert _rows(buffer.getvalue()) == [["name", "'-amount"], ["'@SUM(1)", "-5"], ["'+1", ""]]
    with pytest.raises(ValueError, match="not in fieldnames"):
        writer.writerow({"other": 1})


def test_stream_lines_puts_the_bom_once():
    lines = list(safe_csv.stream_lines([["=1", 2], ["b", -3]], header=["A", "B"]))
    assert lines == ["\ufeffA,B\r\n", "'=1,2\r\n", "b,-3\r\n"]
    assert list(safe_csv.stream_lines([["x"]], bom=False)) == ["x\r\n"]
    assert list(safe_csv.stream_lines([["x"], ["y"]])) == ["\ufeffx\r\n", "y\r\n"]


def _python_files():
    for path in ROOT.rglob("*.py"):
        if SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
            continue
        yield path


def test_no_csv_writer_outside_the_one_module():
    """Every CSV the product writes goes through courseworx.core.csv: a new export cannot bypass it."""
    this_file = Path(__file__).resolve()
    offenders = []
    for path in _python_files():
        if path.resolve() in (THE_WRITER, this_file):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in BYPASSES:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0).strip()}")
    assert not offenders, "Write CSV with courseworx.core.csv (writer/DictWriter), not the csv module:\n" + "\n".join(
        offenders
    )


def test_the_scan_finds_a_bypass(tmp_path):
    """The patterns above do catch the usual spellings (a scan that finds nothing proves nothing)."""
    samples = [
        "import csv\nw = csv.writer(f)\n",
        "import csv\nw = csv.DictWriter(f, fieldnames=[])\n",
        "from csv import writer\n",
        "from csv import reader, DictWriter\n",
        "import csv as c\n",
        "import _csv\n",
    ]
    for sample in samples:
        assert any(p.search(sample) for p in BYPASSES), sample
    assert not any(p.search("import csv\nrows = csv.reader(f)\n") for p in BYPASSES)
    assert any(p.resolve() == THE_WRITER for p in _python_files())  # the walk reaches the code
