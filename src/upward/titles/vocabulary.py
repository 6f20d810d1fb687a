"""The coder's vocabulary: every official title that names a SOC 2018 occupation, with how strong its evidence is.

Read from the atlas (which holds the bundle's tables as published):

- `soc_direct_match_titles` — BLS 2018 SOC Direct Match titles (6,520). BLS defines each as
  coding to exactly one SOC occupation, so it is the strongest evidence there is (weight
  `DIRECT_MATCH_WEIGHT`); the SOC titles themselves ("Registered Nurses") come from the same file.
- `onet_occupations` — O*NET-SOC occupation titles ("Acute Care Nurses" → 29-1141 by its first
  seven characters, the O*NET-SOC → SOC rule of upward.soc).
- `onet_alternate_titles` — O*NET 29.3 alternate titles with their short titles and source
  codes. O*NET lists a title under every occupation it was reported for, so one title can point
  at several occupations ("Forklift Operator" under 53-7051, 47-2073 and 47-5041); its weight is
  the number of distinct sources that reported it there (O*NET's codes 01–10: associations,
  incumbent data, code assignments, the SOC index, state agencies, the Census index, BLS, ETA,
  user input, job postings), so a title five sources agree on outweighs one a single job
  posting gave.

Employment (OEWS national, all ownerships) is the prior that breaks ties between occupations
sharing a title: of two occupations a title fits equally well, the one employing more people is
the likelier. A SOC code OEWS publishes only inside an aggregate (13-1021 in 13-1020) takes an
even share of the aggregate's employment; codes without OEWS estimates (military, 55-xxxx) take
the smallest employment of any occupation, so they never win a tie on size.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from upward.titles.normalise import _BRACKETS, key, normalise

#: Evidence weights (comparable to a count of O*NET sources, which run from 1 to 9).
DIRECT_MATCH_WEIGHT = 10.0
SOC_TITLE_WEIGHT = 10.0
ONET_TITLE_WEIGHT = 6.0
#: A short title or abbreviation O*NET gives beside an alternate title counts as that title.
SHORT_TITLE_FACTOR = 1.0

ORIGINS = ("bls_direct_match", "soc_title", "onet_title", "onet_alternate")


@dataclass
class Vocabulary:
    """The forms to match against and the occupations each one points at.

    `entries`: one row per (form, soc): form (normalised), key (exact-lookup key), soc, weight
    (summed evidence), origins (which sources list it). `soc_titles`: SOC 2018 code → title.
    `employment`: SOC code → national employment (the tie-break prior).
    """

    entries: pd.DataFrame
    soc_titles: dict[str, str]
    employment: dict[str, float]

    def without(self, keys: set[str]) -> Vocabulary:
        """The vocabulary with every form whose exact key is in `keys` removed (held-out evaluation)."""
        kept = self.entries[~self.entries["key"].isin(keys)].reset_index(drop=True)
        return Vocabulary(kept, self.soc_titles, self.employment)


def raw_titles(con) -> pd.DataFrame:
    """Every official title as published: text, soc, origin, weight (one row per listing)."""
    dm = con.execute("select soc_code, soc_title, title from soc_direct_match_titles").df()
    onet = con.execute("select onetsoc_code, title from onet_occupations").df()
    alt = con.execute("select onetsoc_code, alternate_title, short_title, sources from onet_alternate_titles").df()
    parts = [
        pd.DataFrame({"text": dm["title"], "soc": dm["soc_code"], "origin": "bls_direct_match", "weight": DIRECT_MATCH_WEIGHT}),
        pd.DataFrame({"text": dm["soc_title"], "soc": dm["soc_code"], "origin": "soc_title", "weight": SOC_TITLE_WEIGHT}).drop_duplicates(),
        pd.DataFrame({"text": onet["title"], "soc": onet["onetsoc_code"].str[:7], "origin": "onet_title", "weight": ONET_TITLE_WEIGHT}),
    ]
    n_sources = alt["sources"].str.split(",").map(lambda s: float(len(set(s))))
    parts.append(pd.DataFrame({"text": alt["alternate_title"], "soc": alt["onetsoc_code"].str[:7], "origin": "onet_alternate", "weight": n_sources}))
    short = alt["short_title"].notna()
    parts.append(
        pd.DataFrame({"text": alt.loc[short, "short_title"], "soc": alt.loc[short, "onetsoc_code"].str[:7], "origin": "onet_alternate",
                      "weight": n_sources[short] * SHORT_TITLE_FACTOR})
    )  # fmt: skip
    # "Registered Nurse (RN)", "Cable Installation Tech (Cable Installation Technician)": O*NET gives a
    # short title exactly when the bracket holds the other spelling of the title, so the bracket is a title too.
    with_short = alt[short]
    brackets = with_short["alternate_title"].str.extract(r"\(([^()]*)\)", expand=False)
    has = brackets.notna()
    parts.append(
        pd.DataFrame({"text": brackets[has], "soc": with_short.loc[has, "onetsoc_code"].str[:7], "origin": "onet_alternate",
                      "weight": n_sources[short][has]})
    )  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def employment(con) -> dict[str, float]:
    """SOC 2018 code → OEWS national employment, split evenly inside OEWS aggregates (see the module doc)."""
    rows = con.execute(
        """
        with soc as (
            select distinct substr(code, 1, 7) as soc, occ_code from soc_map where system = 'onet'
            union select distinct soc_code, soc_code from soc_direct_match_titles
        ),
        shares as (select soc, occ_code, count(*) over (partition by occ_code) as n from soc)
        select s.soc, w.tot_emp / s.n as emp
        from shares s join wages w on w.occ_code = s.occ_code and w.area_code = '0000000'
        where w.tot_emp is not null
        """
    ).fetchall()
    return {soc: float(emp) for soc, emp in rows}


def soc_titles(con) -> dict[str, str]:
    """SOC 2018 code → its title: the SOC title BLS gives in the Direct Match file, else O*NET's `.00` title."""
    rows = con.execute(
        """select soc_code, any_value(soc_title) from soc_direct_match_titles group by soc_code
           union all
           select substr(onetsoc_code, 1, 7), title from onet_occupations
           where onetsoc_code like '%.00' and substr(onetsoc_code, 1, 7) not in (select soc_code from soc_direct_match_titles)"""
    ).fetchall()
    return dict(rows)


def entries(raw: pd.DataFrame) -> pd.DataFrame:
    """Normalise every listing and sum its evidence per (form, soc): form, key, soc, weight, origins."""
    raw = raw[raw["text"].notna()].copy()
    # brackets dropped: a bracket that holds another spelling is a listing of its own (raw_titles)
    raw["form"] = raw["text"].map(lambda t: normalise(_BRACKETS.sub(" ", t)))
    raw = raw[raw["form"] != ""]
    grouped = raw.groupby(["form", "soc"], sort=True).agg(weight=("weight", "sum"), origins=("origin", lambda o: ",".join(sorted(set(o)))))
    out = grouped.reset_index()
    out["key"] = out["form"].map(key)
    out = out[out["key"] != ""].reset_index(drop=True)
    return out[["form", "key", "soc", "weight", "origins"]]


def derive(con) -> pd.DataFrame:
    """The atlas table `title_vocabulary`: every official title of the atlas, normalised (see `entries`)."""
    return entries(raw_titles(con))


def build(con, table: pd.DataFrame) -> Vocabulary:
    """A vocabulary of the given entries, with the atlas's SOC titles and employment."""
    titles = soc_titles(con)
    emp = employment(con)
    floor = min(emp.values()) if emp else 1.0
    full_emp = {s: emp.get(s, floor) for s in set(table["soc"]) | set(titles)}
    return Vocabulary(table.reset_index(drop=True), titles, full_emp)


def load(con) -> Vocabulary:
    """The vocabulary of the atlas `con` (its `title_vocabulary` table)."""
    return build(con, con.execute("select form, key, soc, weight, origins from title_vocabulary order by form, soc").df())
