"""The hub: the writable database where a region keeps what it imports itself — its program
inventory, its employers' ratings of skill benchmarks, and its outcome runs.

The public seed (IPEDS, Scorecard, ETPL) lives in the read-only atlas; the hub is a separate
DuckDB file: `--hub PATH`, else `$UPWARD_HUB`, else `hub.duckdb` in the user data directory
(`path()`). It is created on first import (and only when that import succeeds); reading a hub
that does not exist yet reads an empty one.

Schema (version 4; `hub_meta` holds `kind = 'upward-hub'` and `schema_version`). Version 1 had
no programs.populations_served, version 2 no benchmark tables, version 3 no outcome runs: an
older hub is read as it is (populations blank, no ratings, no runs) and upgraded in place by the
next write of any kind, inside that write's transaction (1 → 4 in one step); a newer version is
refused.

    imports      import_id INTEGER PK, file (absolute path), sha256 (of the file's bytes), who,
                 at TIMESTAMP (UTC), rows (programs in the file), status 'active'|'rolled_back',
                 rolled_back_at TIMESTAMP (UTC), rolled_back_by
    providers    import_id, provider_id, name, type, county_fips, county_name, state_abbr,
                 area_code (OEWS area of the county), area_name, file_row
    programs     import_id, program_id, provider_id, name, cip_code ('51.3801'), award_level
                 (an IPEDS award-level code as its digits, '3', else the text given; `inventory`
                 returns codes as int), credential, hours, weeks, cost (DOUBLE), modality
                 ('in_person'|'online'|'hybrid'), schedule, target_socs VARCHAR[] (atlas
                 occ_codes), populations_served VARCHAR[], supports VARCHAR[],
                 employer_partners VARCHAR[], source, as_of DATE, file_row
    completions  import_id, program_id, year, completions
    outcomes     import_id, program_id, measure ('employment_rate'|'median_earnings'), value,
                 horizon (employment_rate_horizon or earnings_horizon: 'q2', '1 year after completion' …)
    benchmark_imports  import_id INTEGER PK, file, sha256, who (the importing user), at
                 TIMESTAMP (UTC), rows (ratings in the file)
    benchmark_ratings  import_id, file_row (1-based, header = row 1), area_code, occ_code, domain,
                 element_id, element_name, rating ('agree'|'raise'|'lower'|'add'|'remove'),
                 proposed_level (O*NET level 0–7), onet_importance, onet_level (O*NET's values at
                 import), rater, organisation, comment
    outcome_runs run_id INTEGER PK, who, at TIMESTAMP (UTC), started, engine, synthetic,
                 exit_from, exit_to, program_year, groupings (JSON), min_cell, profile_name,
                 profile_hash, bundle, inputs_sha256, records, run (JSON run record)
    outcome_records  run_id, seq, indicator, grouping ('' or 'sex' or 'sex,age_group'),
                 group_json, numerator, denominator, value, suppressed — only suppressed
                 indicator records: never a participant row or identifier
    outcome_publications  run_id, program_year, rounding, published_at, published_by,
                 withdrawn_at, withdrawn_by — which runs the operator published (schema 5)

Rows are never deleted or overwritten: each import appends rows tagged with its import_id. The
views `current_providers` (key provider_id), `current_programs` (program_id),
`current_completions` (program_id, year) and `current_outcomes` (program_id, measure) show, per
key, the row of the latest *active* import that has it. So an import adds and replaces programs
but never removes one that it does not mention, and a blank completions or outcome cell keeps
the earlier figure; program fields, by contrast, are replaced as a whole row (a blank cost in
the new file means the cost is no longer stated). Rolling back an import marks it
`rolled_back`; the views fall back to each key's previous version — the exact prior state when
it was the latest import — and nothing is lost.

Benchmark ratings are appended the same way and never overwritten: a rater's later rating of an
element supersedes their earlier one in the benchmark rule (upward.analysis.skills) while both
stay in the hub with who imported them and when. Their API: `upward.hub.rating_sheet.export` (the
sheet employers fill), `upward.hub.rating_import.import_ratings` (checked by `rating_checks`),
`upward.hub.ratings` (`ratings`, `history`); the sheet and the rules are documented in
docs/skills.md. Outcome runs: `upward.hub.runs` (`save_run`, `list_runs`, `get_run`).

Analysis never imports the hub (tests/test_layers.py checks it): the hub is data. A face (CLI,
web, report) opens the hub it was given and hands analysis a `HubData` (`data(path)`), which reads
the programme inventory and the employer ratings on demand and names the hub's state for cache keys.

API: `path`, `data`, `HubData`, `template`, `read_inventory`, `validate`, `import_file`, `history`, `rollback`,
`inventory`. The template and the rules are documented in docs/programs-import.md. (Test and
benchmark rows: `upward.hub.template.make_rows`, not part of the API.)
"""

from pathlib import Path

import pandas as pd

from upward.cache import hub_state
from upward.hub._db import NotAHubError, path
from upward.hub.imports import Change, ImportResult, history, import_file, inventory, rollback
from upward.hub.inventory_read import read_inventory
from upward.hub.template import ALIASES, COLUMNS, REQUIRED, template
from upward.hub.validate import InventoryError, validate
from upward.sheets import Problem



class HubData:
    """The hub's content as analysis reads it: handed over by a face, read on demand.

    Analysis takes this as an argument instead of importing the hub (the hub is data, and data
    flows from the faces into analysis, never back). Reading is lazy so a cached answer costs no
    hub read: `state` (path, size, modification times) is what cache keys hold, and two HubData
    for the same file are equal.
    """

    __slots__ = ("path",)

    def __init__(self, hub_path: Path | str):
        self.path = Path(hub_path)

    @property
    def state(self) -> tuple | None:
        return hub_state(self.path)

    def programs(self) -> dict[str, pd.DataFrame]:
        """The current programme inventory: {'providers', 'programs', 'completions', 'outcomes'} (see `inventory`)."""
        return inventory(self.path)

    def ratings(self, area_code: str, occ_code: str) -> list[dict]:
        """Every employer rating of the occupation's benchmark in the area, oldest first (upward.hub.ratings.ratings)."""
        from upward.hub.ratings import ratings

        return ratings(self.path, area_code=area_code, occ_code=occ_code)

    def __eq__(self, other) -> bool:
        return isinstance(other, HubData) and other.path == self.path

    def __hash__(self) -> int:
        return hash(("hub", self.path))

    def __repr__(self) -> str:
        return f"HubData({str(self.path)!r})"


def data(hub_path: Path | str | None) -> HubData | None:
    """What a face hands analysis for the hub at `hub_path` (None: no hub, the public seed alone)."""
    return None if hub_path is None else HubData(hub_path)


__all__ = [
    "HubData",
    "data",
    "ALIASES",
    "COLUMNS",
    "REQUIRED",
    "Change",
    "ImportResult",
    "InventoryError",
    "NotAHubError",
    "Problem",
    "history",
    "import_file",
    "inventory",
    "path",
    "read_inventory",
    "rollback",
    "template",
    "validate",
]
