"""The rules an inventory's rows must meet, one function per rule, each adding its problems.

`upward.hub.validate.check` runs them in a fixed order over the file's cells as text (`Cells`);
each function reports what is wrong in its own columns and returns the values it parsed
(numbers, vocabularies, dates …) for the typed tables (`upward.hub.inventory_tables`). The rules
that need the atlas (CIP, county and occupation codes) are in `upward.hub.inventory_codes`. A cell
already reported (refused by the reader, or of a type no column accepts) is not reported again
as blank or malformed, so every problem has one cause and one message.

Problems are `Problem(file, row, field, reason)`; `Problems.sorted()` orders them by row and by
the template's column order. The sort is stable, so two problems of one cell keep the order the
checks found them in — which is why the order of the calls in `check` is part of the behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from upward import text as upward_text
from upward.hub.inventory_cells import WrongType, apply, award_code, cell_text, numbers, shown, split_items
from upward.hub.inventory_read import map_columns
from upward.hub.template import (
    AWARD_LEVELS,
    COLUMNS,
    HEADER_TO_COLUMN,
    ID_COLUMNS,
    LIST_COLUMNS,
    MAX_ID_LENGTH,
    MAX_TEXT_LENGTH,
    MODALITIES,
    POPULATIONS,
    RANGES,
    REQUIRED,
    SUPPORTS,
    WHOLE,
    normalize_header,
)
from upward.sheets import Problem, present


class Problems:
    """The problems found so far in one file, in the order found."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[Problem] = []

    def add(self, row: int | None, field_: str | None, reason: str) -> None:
        self.items.append(Problem(self.file, row, field_, reason))

    def flag(self, mask: pd.Series, field_: str, reason) -> None:
        """Report each flagged row once; `reason` is text or a function of the row label."""
        mask = mask.fillna(True).astype(bool)
        for row in mask.index[mask.to_numpy()]:
            self.add(int(row), field_, reason(row) if callable(reason) else reason)

    def sorted(self, leave_out_rows: set | frozenset = frozenset()) -> list[Problem]:
        """By row (whole-file problems first), then by template column; per-field problems of `leave_out_rows` dropped."""
        return sorted((p for p in self.items if p.row not in leave_out_rows or p.field is None), key=_order)


def _order(p: Problem):
    col = COLUMNS.index(p.field) if p.field in COLUMNS else -1
    return (p.row if p.row is not None else -1, col)


def header_row(fmt: str) -> int | None:
    """The row a problem of the header is reported at: row 1, or none in JSON (no header row)."""
    return None if fmt == "json" else 1


def file_rows(df: pd.DataFrame, fmt: str) -> pd.Index:
    """The file row of each record: `read_inventory`'s index, else counted as the reader would."""
    if df.index.name == "row":
        return df.index
    return pd.RangeIndex(2, len(df) + 2) if fmt != "json" else pd.RangeIndex(1, len(df) + 1)


# ---------------------------------------------------------------------------------------------
# The file as a whole: its columns, what the reader refused, whether it has rows


def columns(problems: Problems, df: pd.DataFrame, fmt: str) -> tuple[dict[str, int], list[str], bool]:
    """Template column → position, the ignored headers, and whether the columns are unusable.

    A template column named twice, or a required one missing, makes every row unreadable, so the
    caller stops after the whole-file problems rather than report each row as blank.
    """
    positions, ignored, twice = map_columns(list(df.columns))
    # A column with neither a header nor a value (trailing commas, an empty spreadsheet column) is not worth a mention.
    empty = {
        f"(column {i + 1}, no header)"
        for i, h in enumerate(df.columns)
        if not str(h).strip() and not any(present(v) for v in df.iloc[:, i])
    }
    ignored = [h for h in ignored if h not in empty]
    for col, headers in twice:
        problems.add(header_row(fmt), col, f"{len(headers)} columns map to {col}: {', '.join(map(repr, headers))}; keep one")
    missing = [c for c in REQUIRED if c not in positions]
    for col in missing:
        what = "no record has the field" if fmt == "json" else "required column missing"
        problems.add(header_row(fmt), col, f"{what}; found: {', '.join(map(repr, df.columns)) or 'nothing'}")
    return positions, ignored, bool(missing or twice)


def reader_problems(problems: Problems, df: pd.DataFrame) -> set[tuple[int, str | None]]:
    """What the reader refused or found out of place, reported; returns the refused cells (row, column).

    Cells with hidden control or bidi characters, formulas with no saved value, JSON values that
    are no record, values right of the last header. The refused cells are returned so the checks
    below do not report them a second time as blank or malformed.
    """
    refused = set()
    for p in df.attrs.get("problems", []):
        col = HEADER_TO_COLUMN.get(normalize_header(p.field), p.field) if p.field else None
        problems.add(p.row, col, p.reason)
        refused.add((p.row, col))
    for r in df.attrs.get("not_objects", []):
        problems.add(r, None, "expected a record (a JSON object with the template's fields)")
    for r, n in df.attrs.get("overflow", {}).items():
        problems.add(r, None, f"the row has values in {n} cells but the header names {len(df.columns)} columns")
    return refused


def no_rows(problems: Problems, df: pd.DataFrame, fmt: str) -> bool:
    """Whether the file has no program rows (reported: a header alone is a mistake, not an empty import)."""
    if len(df):
        return False
    problems.add(header_row(fmt), None, "no program rows: the file has a header and nothing below it")
    return True


# ---------------------------------------------------------------------------------------------
# The cells as text


@dataclass
class Cells:
    """Every template column as text (None when blank or absent), and which cells were already reported.

    `wrong_type[col]` marks cells refused by the reader, of a type no column accepts, or with an
    id that is refused: a rule below skips them (`unreported`) so each cell has one problem.
    """

    df: pd.DataFrame
    rows: pd.Index
    positions: dict[str, int]
    refused: set
    text: dict[str, pd.Series]
    wrong_type: dict[str, pd.Series]

    def present(self, col: str) -> pd.Series:
        return self.text[col].notna()

    def shown(self, col: str, row) -> str:
        """The cell as the file holds it, quoted for a message."""
        return shown(self.df.iloc[:, self.positions[col]][row])

    def unreported(self, col: str, mask: pd.Series) -> pd.Series:
        """`mask` without the cells already reported as the wrong type."""
        return mask & ~self.wrong_type[col]


def column_texts(problems: Problems, df: pd.DataFrame, rows: pd.Index, positions: dict[str, int], refused: set) -> Cells:
    """Every template column as text; cells of a type no column accepts and over-long text reported.

    The length limits (`template.MAX_ID_LENGTH`, `MAX_TEXT_LENGTH`) bound what is stored and shown;
    a number column's size is its range, checked by `numbers_in_range`.
    """
    text: dict[str, pd.Series] = {}
    wrong_type: dict[str, pd.Series] = {}
    for col in COLUMNS:
        if col not in positions:
            text[col] = pd.Series(pd.NA, index=rows, dtype="string")
            wrong_type[col] = pd.Series(False, index=rows)
            continue
        raw = df.iloc[:, positions[col]]
        cells = pd.Series([cell_text(v, list_ok=col in LIST_COLUMNS) for v in raw], index=rows, dtype=object)
        wrong = cells.map(lambda v: isinstance(v, WrongType))
        problems.flag(wrong, col, lambda r, c=cells: f"wrong type: expected text or a number, got {c[r]}")
        text[col] = cells.mask(wrong, None).astype("string")
        wrong_type[col] = wrong.astype(bool)
        if col not in RANGES:
            longest = MAX_ID_LENGTH if col in ID_COLUMNS else MAX_TEXT_LENGTH
            long_ = text[col].str.len().fillna(0) > longest
            problems.flag(long_, col, lambda r, c=col, n=longest: f"longer than {n:,} characters ({len(text[c][r]):,}); shorten it")
    for r, col in refused:  # a cell the reader refused is reported once, not again as blank or malformed
        if col in wrong_type and r in wrong_type[col].index:
            wrong_type[col].loc[r] = True
    return Cells(df, rows, positions, refused, text, wrong_type)


def identifiers(problems: Problems, cells: Cells) -> None:
    """Program and provider ids in one spelling whatever dashes and spaces were typed; look-alike letters refused.

    `HCC-RN` and `HCC‐RN` (a typographic hyphen) must be one program, or an import adds a second
    copy instead of replacing the first (`upward.text.identifier`). The ids in `cells` are replaced
    by their stored spelling.
    """
    for col in ID_COLUMNS:
        ids = apply(cells.text[col], upward_text.identifier)
        why = apply(ids, lambda t: t[1])
        flagged = why.notna() & pd.Series([(int(r), col) not in cells.refused for r in cells.rows], index=cells.rows)
        problems.flag(flagged, col, lambda r, w=why: f"{w[r]}")
        cells.text[col] = apply(ids, lambda t: t[0]).astype("string").mask(why.notna())
        cells.wrong_type[col] = cells.wrong_type[col] | why.notna()


def required(problems: Problems, cells: Cells) -> None:
    """A blank cell in a required column (`template.REQUIRED`)."""
    for col in REQUIRED:
        problems.flag(cells.unreported(col, ~cells.present(col)), col, "required; the cell is blank")


# ---------------------------------------------------------------------------------------------
# Numbers, vocabularies, award levels, dates


def numbers_in_range(problems: Problems, cells: Cells) -> dict[str, pd.Series]:
    """Each number column as numbers within the template's ranges (`template.RANGES`); others reported.

    Whole-number columns refuse fractions. An employment rate of 1–100 is probably a percentage,
    so its message says what to write instead. Completions and their year go together.
    """
    nums: dict[str, pd.Series] = {}
    for col, (lo, hi, why) in RANGES.items():
        values, bad = numbers(cells.text[col])
        problems.flag(bad, col, lambda r, c=col: f"expected a number, got {cells.shown(c, r)}")
        if col in WHOLE:
            frac = values.notna() & (values != values.round())
            problems.flag(frac, col, lambda r, c=col: f"expected a whole number, got {cells.shown(c, r)}")
            values = values.where(~frac)
        out = values.notna() & ((values < lo) | (values > hi))

        def outside(r, c=col, lo=lo, hi=hi, why=why, v=values):
            hint = f" (write {v[r] / 100:g} for {v[r]:g}%)" if c == "employment_rate" and 1 < v[r] <= 100 else ""
            return f"expected a number from {lo:,} to {hi:,} ({why}), got {cells.shown(c, r)}{hint}"

        problems.flag(out, col, outside)
        nums[col] = values.where(~out)
    problems.flag(
        cells.present("completions") & ~cells.present("completions_year"),
        "completions_year",
        "required when completions is given: the year they were counted",
    )
    problems.flag(cells.present("completions_year") & ~cells.present("completions"), "completions", "blank, but completions_year is given")
    return nums


def vocabularies(problems: Problems, cells: Cells) -> tuple[pd.Series, dict[str, pd.Series]]:
    """Modality, populations served and supports in their closed vocabularies; returns them as tokens.

    'In Person' and 'in-person' are one modality (`upward.text.token`); list items are separated by ';'.
    """
    modality = apply(cells.text["modality"], upward_text.token)
    problems.flag(
        cells.present("modality") & ~modality.isin(MODALITIES).fillna(False).astype(bool),
        "modality",
        lambda r: f"{cells.shown('modality', r)} is not one of {', '.join(MODALITIES)}",
    )
    listed: dict[str, pd.Series] = {}
    for col, vocabulary in (("populations_served", POPULATIONS), ("supports", SUPPORTS)):
        items = listed[col] = apply(cells.text[col], lambda t: [upward_text.token(p) for p in split_items(t)])

        def bad_items(r, items=items, vocabulary=vocabulary):
            wrong = [p for p in items[r] if p not in vocabulary]
            return f"{', '.join(map(repr, wrong))} not among {', '.join(vocabulary)} (separate items with ;)"

        problems.flag(apply(items, lambda v, voc=vocabulary: any(p not in voc for p in v)).fillna(False).astype(bool), col, bad_items)
    return modality, listed


def award_levels(cells: Cells, file: str) -> tuple[pd.Series, list[Problem]]:
    """Each award level as stored (an IPEDS code as its digits, '3'; other text as given) and a warning per non-code.

    An IPEDS code groups the program with the public inventory's programs of the same CIP and
    level; other text (a certificate name) is kept, with a warning, and never blocks the import.
    """
    award = apply(cells.text["award_level"], lambda t: str(code) if (code := award_code(t)) is not None else t)
    warnings = [
        Problem(
            file, int(r), "award_level",
            f"{cells.shown('award_level', r)} is not an IPEDS award-level code ({', '.join(map(str, AWARD_LEVELS))}); "
            "kept as text. If the program is a postsecondary award, give its code (3 for an associate's degree, "
            "5 for a bachelor's …) so it groups with the public inventory's programs of the same CIP and level",
        )  # fmt: skip
        for r, t in award.items()
        if t is not None and award_code(t) is None
    ]
    return award, warnings


def dates(problems: Problems, cells: Cells) -> pd.Series:
    """The as-of date of each row, written YYYY-MM-DD (a date is ambiguous in any other order)."""
    text = cells.text["as_of"]
    iso = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
    as_of = pd.to_datetime(text.where(iso), format="%Y-%m-%d", errors="coerce")
    problems.flag(cells.present("as_of") & as_of.isna(), "as_of", lambda r: f"expected a date YYYY-MM-DD, got {cells.shown('as_of', r)}")
    return as_of


# ---------------------------------------------------------------------------------------------
# Rows against each other


def one_row_per_program(problems: Problems, cells: Cells) -> None:
    """A program id given twice is reported at its second row, naming the first (and both providers if they differ).

    The hub keys programs by id, so a second row would silently replace the first within one import.
    """
    pid, prov = cells.text["program_id"], cells.text["provider_id"]
    first_row = pd.Series(cells.rows, index=cells.rows).groupby(pid.to_numpy(), dropna=True).transform("first")
    dup = pid.notna() & pid.duplicated(keep="first")

    def reason(r):
        f = int(first_row[r])
        if pd.notna(prov[r]) and pd.notna(prov[f]) and prov[r] != prov[f]:
            return f"program_id {pid[r]!r} is already at row {f} under provider_id {prov[f]!r}, here under {prov[r]!r}; a program belongs to one provider and has one row"
        return f"program_id {pid[r]!r} repeats row {f}; give each program one row"

    problems.flag(dup, "program_id", reason)


def one_value_per_provider(problems: Problems, cells: Cells, fips: pd.Series) -> None:
    """A provider's name, type and county are the same on each of its rows; a row that differs from the first is reported.

    The hub keeps one provider record, so two spellings would leave the stored one to chance.
    """
    rows, prov = cells.rows, cells.text["provider_id"]
    for col, values in {"provider_name": cells.text["provider_name"], "provider_type": cells.text["provider_type"], "county_fips": fips}.items():
        stated = prov.notna() & values.notna()
        firsts = pd.Series(rows, index=rows)[stated].groupby(prov[stated].to_numpy()).transform("first")
        first_value = values.loc[firsts.to_numpy()].set_axis(firsts.index)
        clash = (values.loc[firsts.index] != first_value).fillna(False).astype(bool)
        problems.flag(
            clash.reindex(rows, fill_value=False),
            col,
            lambda r, c=col, fv=first_value, fr=firsts, v=values: f"provider {prov[r]!r} has {c} {fv[r]!r} at row {int(fr[r])}, here {v[r]!r}; one {c.replace('provider_', '')} per provider",
        )
