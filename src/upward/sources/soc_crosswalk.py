"""BLS's SOC 2010 → SOC 2018 crosswalk: how older occupation codes map to today's.

Sources that still code occupations in SOC 2010 (the CPS transitions behind pathway evidence,
Texas ETPL, some research files) are brought to SOC 2018 through this file. It is many-to-many:
a 2010 code that was split lists each 2018 code it went to (`29-2041` → `29-2042`, `29-2043`),
and 2010 codes that were merged list the same 2018 code. No weights are published, so a split
shares its 2010 code's evidence with every part (the callers say so).

Checks: both codes have the SOC shape, titles are present, and each pair is listed once.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from upward.sources._checks import SOC_CODE, matching, read_csv_text, require_columns, require_unique, text_column

COLUMNS = ["soc2010", "soc2010_title", "soc2018", "soc2018_title"]


def read_soc_crosswalk(path: Path | str) -> pd.DataFrame:
    """soc2010, soc2010_title, soc2018, soc2018_title: one row per 2010 → 2018 pair, sorted."""
    path = Path(path)
    df = read_csv_text(path)
    require_columns(df, COLUMNS, path)
    out = pd.DataFrame(
        {
            "soc2010": matching(df, "soc2010", SOC_CODE, path),
            "soc2010_title": text_column(df, "soc2010_title", path),
            "soc2018": matching(df, "soc2018", SOC_CODE, path),
            "soc2018_title": text_column(df, "soc2018_title", path),
        }
    )
    require_unique(out, ["soc2010", "soc2018"], path, field="soc2018")
    return out.sort_values(["soc2010", "soc2018"]).reset_index(drop=True)
