"""Reader of the BLS 2018 SOC Direct Match Title File: job titles that each code to exactly one SOC occupation.

BLS publishes the file (on behalf of OMB's SOC Policy Committee) so that coders can assign a
title without judgement: every title in it belongs to one 2018 SOC detailed occupation and to no
other. The copy in ../shared/data is the workbook re-saved with its header in row 1 (BLS's note
rows above it removed); one sheet, 'Sorted by SOC', with the columns

    2018 SOC Code | 2018 SOC Title | 2018 SOC Direct Match Title | Illustrative Example

"Illustrative Example" is 'x' for the titles the SOC manual prints as examples of the
occupation, blank otherwise. The reader returns

    soc_code (29-1141), soc_title, title, illustrative (bool)

sorted by soc_code and title, one row per (soc_code, title). A title listed under two SOC codes
would contradict the file's definition, so it is a format error, as is a code of the wrong shape
or a blank cell; each names the file row (header = row 1) and the field.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from upward.errors import SourceFormatError
from upward.sources._checks import SOC_CODE, first_bad, matching, read_excel_sheet, require_columns, text_column

SHEET = "Sorted by SOC"
HEADER_ROWS = 1
_COLUMNS = {
    "2018 SOC Code": "soc_code",
    "2018 SOC Title": "soc_title",
    "2018 SOC Direct Match Title": "title",
    "Illustrative Example": "illustrative",
}


def read_direct_match_titles(path: Path | str) -> pd.DataFrame:
    """The Direct Match titles with their SOC 2018 code and title and the illustrative-example flag."""
    path = Path(path)
    df = read_excel_sheet(path, SHEET)
    df = df[df.notna().any(axis=1)].reset_index(drop=True)  # Excel may keep empty rows below the table
    require_columns(df, list(_COLUMNS), path)
    code = matching(df, "2018 SOC Code", SOC_CODE, path, header_rows=HEADER_ROWS)
    soc_title = text_column(df, "2018 SOC Title", path, header_rows=HEADER_ROWS)
    title = text_column(df, "2018 SOC Direct Match Title", path, header_rows=HEADER_ROWS)
    flag = df["Illustrative Example"].astype("string").str.strip().fillna("")
    first_bad(
        ~flag.isin(["x", "X", ""]),
        path,
        "Illustrative Example",
        lambda i: f"expected 'x' or blank, got {df['Illustrative Example'].iloc[i]!r}",
        header_rows=HEADER_ROWS,
    )
    out = pd.DataFrame(
        {
            "soc_code": code.astype("str"),
            "soc_title": soc_title.astype("str"),
            "title": title.astype("str"),
            "illustrative": flag.str.lower().eq("x").astype(bool),
        }
    )
    # One SOC title per code, and each title under one code only: the file's own promise.
    titles_per_code = out.groupby("soc_code")["soc_title"].transform("nunique")
    first_bad(
        titles_per_code > 1,
        path,
        "2018 SOC Title",
        lambda i: f"SOC {out.soc_code.iloc[i]} carries more than one title in the file",
        header_rows=HEADER_ROWS,
    )
    key = out["title"].str.casefold()
    codes_per_title = out.groupby(key)["soc_code"].transform("nunique")
    first_bad(
        codes_per_title > 1,
        path,
        "2018 SOC Direct Match Title",
        lambda i: f"title {out.title.iloc[i]!r} is listed under more than one SOC code; a direct-match title codes to exactly one",
        header_rows=HEADER_ROWS,
    )
    repeat = out.duplicated(["soc_code", "title"], keep="first").to_numpy()
    if repeat.any():
        pos = int(repeat.nonzero()[0][0])
        raise SourceFormatError(path, f"title {out.title.iloc[pos]!r} repeats under {out.soc_code.iloc[pos]}", field="2018 SOC Direct Match Title", row=pos + 1 + HEADER_ROWS)
    return out.sort_values(["soc_code", "title"], kind="mergesort").reset_index(drop=True)
