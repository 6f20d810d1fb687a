"""Checking every row of an inventory against the template and the atlas, and the typed rows of a good one.

`validate` returns every problem it finds, one `Problem(file, row, field, reason)` each, never
stopping at the first. Warnings (an award level that is not an IPEDS code) use the same shape but
never block an import; they are in `check(...).warnings` and `ImportResult.warnings`.

The parts: `inventory_read` (the file's cells and which header is which column),
`inventory_cells` (what one cell says), `inventory_checks` (one function per rule of the
template), `inventory_codes` (the rules on codes the atlas must know), `inventory_tables` (the
typed rows to write). `check` runs them in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from upward.errors import UpwardError
from upward.hub import coded_titles
from upward.hub import inventory_checks as checks
from upward.hub import inventory_codes as codes
from upward.hub import inventory_tables as tables
from upward.hub.inventory_read import HINT
from upward.sheets import Problem, count_problems


class InventoryError(UpwardError):
    """An inventory with bad rows: carries every problem; nothing was imported."""

    def __init__(self, path: Path | str, problems: list[Problem]):
        head = f"{Path(path).name}: {count_problems(problems)}; nothing was imported."
        super().__init__(head + "\n" + "\n".join(f"  {p}" for p in problems), hint=f"Fix every row listed and import again. {HINT}")
        self.path = str(path)
        self.problems = problems


@dataclass
class Checked:
    """A validated file: the problems, and (when there are none) the typed tables to write."""

    problems: list[Problem]
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    providers: pd.DataFrame | None = None
    programs: pd.DataFrame | None = None
    completions: pd.DataFrame | None = None
    outcomes: pd.DataFrame | None = None
    #: job titles in target_socs coded to SOC (upward.hub.coded_titles), one row per title
    title_codes: pd.DataFrame | None = None


def validate(con, df: pd.DataFrame, path: Path | str) -> list[Problem]:
    """Every problem in the inventory `df` (from `read_inventory`), checked against the atlas `con`."""
    return check(con, df, path).problems


def check(con, df: pd.DataFrame, path: Path | str) -> Checked:
    """Validate and, when every row is good, return the typed provider, program, completion and outcome rows.

    The whole file first (its columns, what the reader refused, whether it has rows): when the
    columns cannot be read or there is no row, the rows are not checked. Then each rule over every
    row, in a fixed order (problems of one cell are listed in the order found).
    """
    path = Path(path)
    fmt = df.attrs.get("format", path.suffix.lower().lstrip("."))
    problems = checks.Problems(path.name)
    positions, ignored, unusable = checks.columns(problems, df, fmt)
    refused = checks.reader_problems(problems, df)
    if checks.no_rows(problems, df, fmt) or unusable:
        return Checked(problems.sorted(), ignored)

    cells = checks.column_texts(problems, df, checks.file_rows(df, fmt), positions, refused)
    checks.identifiers(problems, cells)
    checks.required(problems, cells)
    known = codes.atlas_codes(con)
    cip = codes.cip_codes(problems, cells, known)
    fips = codes.counties(problems, cells, known)
    nums = checks.numbers_in_range(problems, cells)
    modality, listed = checks.vocabularies(problems, cells)
    award, warnings = checks.award_levels(cells, path.name)
    targets = codes.target_occupations(con, problems, cells, known, path.name)
    warnings += targets.warnings
    as_of = checks.dates(problems, cells)
    checks.one_row_per_program(problems, cells)
    checks.one_value_per_provider(problems, cells, fips)

    # a JSON value that is no record: one problem, not one per field
    found = problems.sorted(leave_out_rows=set(df.attrs.get("not_objects", [])))
    if found:
        return Checked(found, ignored, warnings)
    return Checked(
        [], ignored, warnings,
        providers=tables.providers(cells, fips, known),
        programs=tables.programs(cells, known, cip=cip, award=award, nums=nums, modality=modality, listed=listed, targets=targets, as_of=as_of),
        completions=tables.completions(cells, nums),
        outcomes=tables.outcomes(cells, nums),
        title_codes=pd.DataFrame(targets.title_codes, columns=coded_titles.COLUMNS),
    )  # fmt: skip
