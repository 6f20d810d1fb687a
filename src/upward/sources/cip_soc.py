"""NCES CIP 2020 ↔ SOC 2018 crosswalk and the CIP 2020 code list.

The crosswalk is what links a training program (CIP) to the occupations it prepares for (SOC).
NCES publishes it twice in one workbook, ordered by CIP ('CIP-SOC') and by SOC ('SOC-CIP'); the
reader takes 'CIP-SOC' and checks the other sheet holds the same pairs, so a truncated or edited
copy is caught. Codes with no counterpart are written as a pair with '99.9999' / '99-9999'
('NO MATCH'); they are not links, so `read_crosswalk` drops them and `read_unmatched` lists them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from upward.errors import SourceFormatError
from upward.sources._checks import (
    CIP_CODE,
    SOC_CODE,
    first_bad,
    in_sheet,
    matching,
    one_of,
    read_csv_text,
    read_excel_sheet,
    require_columns,
    require_file,
    require_unique,
    strip_excel_text,
    text_column,
)

NO_MATCH_CIP = "99.9999"
NO_MATCH_SOC = "99-9999"
_CIP6 = r"\d{2}\.\d{4}"

_CIP = "CIP2020Code"
_CIP_TITLE = "CIP2020Title"
_SOC = "SOC2018Code"
_SOC_TITLE = "SOC2018Title"

#: Pairs NCES lists in 'CIP-SOC' (and in 'Added Matches') but left out of 'SOC-CIP' in the
#: CIP 2020 / SOC 2018 workbook: CIP 03.0204 Environmental/Natural Resource Economics.
#: Accepted as published; any other difference between the two sheets fails.
KNOWN_MISSING_FROM_SOC_CIP = frozenset(
    {("03.0204", "11-9199"), ("03.0204", "19-3011"), ("03.0204", "19-4061"), ("03.0204", "25-1063")}
)


def _drop_trailing_blank(df: pd.DataFrame) -> pd.DataFrame:
    """Excel often keeps formatted empty rows at the end; a blank row inside the data still fails."""
    filled = (~df.isna().all(axis=1)).to_numpy().nonzero()[0]
    return df.iloc[: int(filled[-1]) + 1 if len(filled) else 0]


def _pairs(path: Path, sheet: str) -> pd.DataFrame:
    """One crosswalk sheet as checked codes and titles, in file order (header in row 1)."""
    try:
        return _pairs_unlabelled(path, sheet)
    except SourceFormatError as err:
        raise in_sheet(sheet, err) from err


def _pairs_unlabelled(path: Path, sheet: str) -> pd.DataFrame:
    df = read_excel_sheet(path, sheet)
    require_columns(df, [_CIP, _CIP_TITLE, _SOC, _SOC_TITLE], path)
    df = _drop_trailing_blank(df)
    cip_code = matching(df, _CIP, _CIP6, path)
    soc_code = matching(df, _SOC, SOC_CODE, path)
    out = pd.DataFrame(
        {
            "cip_code": cip_code,
            "cip_title": text_column(df, _CIP_TITLE, path),
            "soc_code": soc_code,
            "soc_title": text_column(df, _SOC_TITLE, path),
        }
    )
    require_unique(out, ["cip_code", "soc_code"], path, field=_SOC)
    return out


def read_crosswalk(path: Path | str) -> pd.DataFrame:
    """cip_code ('01.0000'), cip_title, soc_code ('19-1011'), soc_title: one row per linked pair.

    NO MATCH rows are dropped (374 in the 2020 workbook: 194 CIP codes and 180 SOC codes).
    """
    path = require_file(Path(path))
    cip_soc = _pairs(path, "CIP-SOC")
    soc_cip = _pairs(path, "SOC-CIP")
    a = set(zip(cip_soc.cip_code, cip_soc.soc_code))
    b = set(zip(soc_cip.cip_code, soc_cip.soc_code))
    missing = sorted((a - b) - KNOWN_MISSING_FROM_SOC_CIP)
    extra = sorted(b - a)
    if missing or extra:
        raise SourceFormatError(
            path,
            f"sheet 'SOC-CIP' does not hold the same CIP–SOC pairs as 'CIP-SOC': "
            f"{len(missing)} missing (e.g. {missing[:3]}), {len(extra)} extra (e.g. {extra[:3]})",
            field="SOC-CIP",
        )
    for code, title, field in (("cip_code", "cip_title", _CIP_TITLE), ("soc_code", "soc_title", _SOC_TITLE)):
        first = cip_soc.groupby(code)[title].transform("first")
        first_bad(
            cip_soc[title] != first,
            path,
            field,
            lambda i: f"sheet 'CIP-SOC': {cip_soc[code].iloc[i]} is titled {cip_soc[title].iloc[i]!r} here "
            f"but {first.iloc[i]!r} above",
        )
    linked = (cip_soc.cip_code != NO_MATCH_CIP) & (cip_soc.soc_code != NO_MATCH_SOC)
    out = cip_soc[linked]
    return out.sort_values(["cip_code", "soc_code"], kind="stable").reset_index(drop=True)


def read_unmatched(path: Path | str) -> pd.DataFrame:
    """kind ('cip' | 'soc'), code, title: the codes NCES found no counterpart for.

    A CIP code here has no occupation; a SOC code here has no program. Both are worth showing
    (a program with no occupational outcome, an occupation no program trains for).
    """
    path = require_file(Path(path))
    frames = []
    for kind, sheet, code_col, title_col, other, no_match in (
        ("cip", "Unmatched CIP Codes", _CIP, _CIP_TITLE, _SOC, NO_MATCH_SOC),
        ("soc", "Unmatched SOC Codes", _SOC, _SOC_TITLE, _CIP, NO_MATCH_CIP),
    ):
        try:
            df = read_excel_sheet(path, sheet)
            require_columns(df, [code_col, title_col, other], path)
            df = _drop_trailing_blank(df)
            code = matching(df, code_col, _CIP6 if kind == "cip" else SOC_CODE, path)
            one_of(df, other, [no_match], path)
            part = pd.DataFrame({"kind": kind, "code": code, "title": df[title_col].astype("string").str.strip()})
            require_unique(part, ["code"], path, field=code_col)
        except SourceFormatError as err:
            raise in_sheet(sheet, err) from err
        frames.append(part)
    out = pd.concat(frames, ignore_index=True).astype({"kind": "string"})
    return out.sort_values(["kind", "code"], kind="stable").reset_index(drop=True)


#: What NCES says happened to each code between CIP 2010 and CIP 2020.
ACTIONS = ("No substantive changes", "New", "Moved from", "Moved to", "Deleted")


def read_cip_codes(path: Path | str) -> pd.DataFrame:
    """cip_code, cip_family, title, definition, action, text_change (bool), digits (2, 4 or 6).

    Every level of the taxonomy is a row: families ('01'), series ('01.01') and programs
    ('01.0101'); titles keep NCES's trailing period. Codes come as ="01.0101" (an Excel guard).
    """
    path = Path(path)
    df = read_csv_text(path, encoding="utf-8")
    require_columns(df, ["CIPFamily", "CIPCode", "Action", "TextChange", "CIPTitle", "CIPDefinition"], path)
    code = strip_excel_text(df["CIPCode"])
    family = strip_excel_text(df["CIPFamily"])
    checked = df.assign(CIPCode=code, CIPFamily=family)
    code = matching(checked, "CIPCode", CIP_CODE, path)
    family = matching(checked, "CIPFamily", r"\d{2}", path)
    first_bad(
        family != code.str[:2],
        path,
        "CIPFamily",
        lambda i: f"family {family.iloc[i]!r} does not match code {code.iloc[i]!r}",
    )
    text_change = one_of(df, "TextChange", ["yes", "no"], path)
    action = one_of(df, "Action", ACTIONS, path)
    out = pd.DataFrame(
        {
            "cip_code": code,
            "cip_family": family,
            "title": text_column(df, "CIPTitle", path),
            "definition": df["CIPDefinition"].astype("string").str.strip(),
            "action": action,
            "text_change": (text_change == "yes").astype(bool),
            "digits": code.str.replace(".", "", regex=False).str.len().astype("int64"),
        }
    )
    require_unique(out, ["cip_code"], path, field="CIPCode")
    return out.sort_values("cip_code", kind="stable").reset_index(drop=True)
