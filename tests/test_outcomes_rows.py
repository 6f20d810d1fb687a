"""Issue 19, items 1 and 14: the outcome engine reports each bad row at the file's own row number
(deterministic, CSV and Parquet, any size, also in --quarantine), and a CSV it cannot read is named by
file, row and field, never as "required column missing" or "the engine failed"."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "outcomes"
KEY = "test-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def hash_key(monkeypatch):
    monkeypatch.setenv("UPWARD_HASH_KEY", KEY)


def run(con, p, w, **kw):
    from upward.outcomes.run import run as run_

    return run_(str(p), str(w), "2023Q1", "2023Q4", atlas_con=con, **kw)


def _wages(path: Path, n: int, bad: dict[int, str], fmt: str) -> Path:
    """`n` wage records (data rows 1..n); the rows in `bad` carry that text as wages."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    wages = [str(1000 + (k & 1023) * 7) for k in range(n)]
    for row, text in bad.items():
        wages[row - 1] = text
    # 2023Q1–2024Q4, so the file covers the quarters the cohort's indicators read (exits in 2023: up to 2024Q4)
    quarters = [f"{2023 + i // 4}Q{i % 4 + 1}" for i in range(8)]
    table = pa.table({
        "person_id": [f"W-{k}" for k in range(n)],
        "quarter": pa.array([quarters[k % 8] for k in range(n)]),
        "employer_id": pa.array(["E1"] * n),
        "wages": wages,
        "soc": pa.array([""] * n),
    })  # fmt: skip
    if fmt == "csv":
        pacsv.write_csv(table, path)
    else:
        pq.write_table(table, path, row_group_size=100_000)
    return path


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_bad_rows_are_named_at_their_own_row_small(con, tmp_path, fmt):
    from upward.outcomes.load import InputError

    w = _wages(tmp_path / f"w.{fmt}", 5000, {7: "x", 2500: "-3", 4999: "abc"}, fmt)
    with pytest.raises(InputError) as e:
        run(con, HERE / "quality_participants.csv", w)
    assert [(r, f, why) for _, r, f, why in e.value.rows] == [(7, "wages", "not a number"), (2500, "wages", "negative"), (4999, "wages", "not a number")]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_bad_rows_of_a_two_million_row_file_keep_their_row_numbers(con, tmp_path, fmt):
    """The probe: rows 1,000,000 and 1,999,000 of a large CSV came back as other numbers, differently on each
    run and again differently in --quarantine. Every report now gives the file's own data row."""
    from upward.outcomes.load import InputError

    bad = {1: "x", 1_000_000: "x", 1_999_000: "-5", 2_000_000: "y"}
    w = _wages(tmp_path / f"w.{fmt}", 2_000_000, bad, fmt)
    for _ in range(2):
        with pytest.raises(InputError) as e:
            run(con, HERE / "quality_participants.csv", w, indicators="employment_rate_q2")
        assert [r for _, r, _, _ in e.value.rows] == sorted(bad)
    q = tmp_path / "bad.csv"
    r = run(con, HERE / "quality_participants.csv", w, quarantine=q, indicators="employment_rate_q2")
    rows = [x for x in csv.DictReader(io.StringIO(q.read_text())) if x["input"] == "wages"]
    assert [int(x["row"]) for x in rows] == sorted(bad)
    assert r["run"]["inputs"]["wages"]["bad_rows"] == 4


def _participants_with(tmp_path: Path, name: str, edit) -> Path:
    lines = (HERE / "participants.csv").read_bytes().split(b"\n")
    edit(lines)
    out = tmp_path / name
    out.write_bytes(b"\n".join(lines))
    return out


def test_a_row_with_a_cell_too_many_is_named_not_a_missing_column(con, tmp_path):
    from upward.errors import UpwardError

    p = _participants_with(tmp_path, "extra.csv", lambda lines: lines.__setitem__(3, lines[3] + b",extra"))
    with pytest.raises(UpwardError) as e:
        run(con, p, HERE / "wages.csv")
    msg = str(e.value)
    assert "extra.csv, row 3: the row has 17 cells but the header names 16 columns" in msg
    assert "person_id" not in msg and "ID-C" not in msg  # no missing column, and no value of the row


def test_a_participants_file_that_is_not_utf8_names_row_and_field(con, tmp_path):
    from upward.errors import UpwardError

    p = _participants_with(tmp_path, "latin.csv", lambda lines: lines.__setitem__(5, lines[5].replace(b",adult,", b",\xe9adult,")))
    with pytest.raises(UpwardError) as e:
        run(con, p, HERE / "wages.csv")
    msg = str(e.value)
    assert "latin.csv, row 5, field 'program': not UTF-8 text" in msg
    assert "engine failed" not in msg and "UTF-8" in e.value.hint
    assert getattr(e.value, "status", None) == 422


def test_participant_codes_are_read_like_every_other_file(con, tmp_path):
    """Issue 20: a county FIPS whose leading zero a spreadsheet dropped and an O*NET-SOC target code are
    accepted by the engine as by an inventory (upward.codes)."""
    def edit(lines):
        head = lines[0].split(b",")
        area, soc = head.index(b"area"), head.index(b"target_soc")
        for k in range(1, len(lines)):
            cells = lines[k].split(b",")
            if len(cells) == len(head):
                cells[area], cells[soc] = b"8001", b"29-1141.00"  # Adams County, CO (08001)
                lines[k] = b",".join(cells)

    p = _participants_with(tmp_path, "codes.csv", edit)
    r = run(con, p, HERE / "wages.csv")
    assert r["run"]["inputs"]["participants"]["bad_rows"] == 0
