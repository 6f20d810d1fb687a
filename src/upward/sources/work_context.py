"""O*NET Work Context "Exposed to Hazardous Conditions" (element 4.C.2.c.1.d), per O*NET-SOC occupation.

The file is an O*NET OnLine export (O*NET 30.x): `hazard_context` is O*NET OnLine's 0–100 score
of how often workers are exposed to hazardous conditions (O*NET's 1–5 context mean m gives
score = (m − 1) × 25: 0 never, 25 once a year or more, 50 once a month or more, 75 once a week or
more, 100 every day), with the occupation's job zone. The reader returns the rows in the shape
of O*NET ratings, so the atlas rolls them up to SOC with the same rules as every other O*NET
descriptor (`upward.soc`). It is the only Work Context element bundled; BLS injury and fatality
rates by occupation (SOII, CFOI) are not.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from upward.sources._checks import ONET_SOC_CODE, first_bad, matching, numeric, read_csv_text, require_columns, require_unique, text_column

ELEMENT_ID = "4.C.2.c.1.d"
ELEMENT_NAME = "Exposed to Hazardous Conditions"
COLUMNS = ["onetsoc_code", "title", "element_id", "element_name", "hazard_score", "job_zone"]


def read_hazardous_conditions(path: Path | str) -> pd.DataFrame:
    """onetsoc_code, title, element_id, element_name, hazard_score (0–100), job_zone (1–5)."""
    path = Path(path)
    df = read_csv_text(path)
    require_columns(df, ["hazard_context", "job_zone", "onet_soc2018_code", "onet_soc2018_title"], path)
    score = numeric(df, "hazard_context", path, required=True)
    first_bad((score < 0) | (score > 100) | (score != score.round()), path, "hazard_context",
              lambda i: f"the score is a whole number from 0 to 100, got {df['hazard_context'].iloc[i]!r}")
    zone = numeric(df, "job_zone", path, required=True)
    first_bad(~zone.isin([1, 2, 3, 4, 5]), path, "job_zone", lambda i: f"a job zone is 1 to 5, got {df['job_zone'].iloc[i]!r}")
    out = pd.DataFrame(
        {
            "onetsoc_code": matching(df, "onet_soc2018_code", ONET_SOC_CODE, path),
            "title": text_column(df, "onet_soc2018_title", path),
            "element_id": ELEMENT_ID,
            "element_name": ELEMENT_NAME,
            "hazard_score": score,
            "job_zone": zone.astype("int64"),
        }
    )
    require_unique(out, ["onetsoc_code"], path, field="onet_soc2018_code")
    for c in ("element_id", "element_name"):
        out[c] = out[c].astype("string")
    return out[COLUMNS].sort_values("onetsoc_code", kind="stable").reset_index(drop=True)
