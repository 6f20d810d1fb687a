"""How often people really make a move: observed CPS transitions between occupation groups.

The CPS transitions (del Rio-Chanona et al. 2021, bundled as `cps_transitions`) give, for each
occupation group a worker held last year, the probability of holding each group this year,
staying included. What a navigator needs is how common a move is *among people who change
occupation*, so each probability is divided by the origin group's share of movers (1 − the
probability of staying): the **movers share**. Across every observed pair the median movers
share is about 1% (the 75th percentile about 3%), so

* **commonly observed**: at least `common` (default 1%) of the people leaving the origin's group
  go to the destination's group;
* **sometimes observed**: at least `sometimes` (default 0.1%);
* **rarely or never observed**: less than that, including never;
* **same CPS group**: both occupations sit in one CPS group, whose moves inside it the file
  counts as staying, so it cannot tell;
* **not in CPS**: an occupation the file has no group for (none of today's detailed occupations).

Atlas occupations reach the file's SOC 2010-based groups through `occupation_cps` (atlas build:
SOC 2018 → SOC 2010 crosswalk → the group holding that code). An occupation spread over several
groups averages its groups as an origin (by its `weight`) and counts a move into any of its
groups as a destination (weighted the same way), so the evidence is always at group level: the
labels say "people in nursing assistants' group", never that one detailed move was counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LEVELS = ("commonly observed", "sometimes observed", "same CPS group", "not in CPS", "rarely or never observed")


@dataclass(frozen=True)
class Evidence:
    codes: list[str]
    share: np.ndarray  # codes × codes: movers share A → B (NaN where unknown or same group)
    same_group: np.ndarray  # codes × codes bool
    known: np.ndarray  # per code: mapped to a CPS group
    common: float
    sometimes: float

    def level(self, i: int, j: int) -> str:
        if not (self.known[i] and self.known[j]):
            return "not in CPS"
        if self.same_group[i, j]:
            return "same CPS group"
        s = self.share[i, j]
        return "commonly observed" if s >= self.common else "sometimes observed" if s >= self.sometimes else "rarely or never observed"

    def levels(self) -> np.ndarray:
        """codes × codes index into LEVELS (int8)."""
        with np.errstate(invalid="ignore"):
            out = np.where(self.share >= self.common, 0, np.where(self.share >= self.sometimes, 1, 4)).astype(np.int8)
        out[self.same_group] = 2
        unknown = ~(self.known[:, None] & self.known[None, :])
        out[unknown] = 3
        return out


def _movers(con) -> tuple[dict[str, int], np.ndarray]:
    """CPS groups → index, and the movers share of every ordered pair of groups (rows: origin)."""
    groups = [r[0] for r in con.execute("select distinct source from cps_transitions order by 1").fetchall()]
    g = {c: k for k, c in enumerate(groups)}
    prob = np.zeros((len(groups), len(groups)))
    for s, t, p in con.execute("select source, target, probability from cps_transitions").fetchall():
        if s in g and t in g:
            prob[g[s], g[t]] = p
    stay = np.diag(prob).copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        movers = np.where(stay[:, None] < 1, prob / (1 - stay[:, None]), 0.0)
    np.fill_diagonal(movers, 0.0)
    return g, movers


def _group_weights(con, codes: list[str], g: dict[str, int]) -> np.ndarray:
    """codes × CPS groups: each occupation's weight in the groups holding it (`occupation_cps`)."""
    index = {c: i for i, c in enumerate(codes)}
    w = np.zeros((len(codes), len(g)))
    for occ, cps, weight in con.execute("select occ_code, cps_code, weight from occupation_cps").fetchall():
        if occ in index and cps in g:
            w[index[occ], g[cps]] = weight
    return w


def evidence(con, codes: list[str], common: float, sometimes: float) -> Evidence:
    """The movers share of every ordered pair of `codes`, from the atlas's CPS tables."""
    g, movers = _movers(con)
    w = _group_weights(con, codes, g)
    known = w.sum(axis=1) > 0
    share = w @ movers @ w.T
    same = (w > 0).astype(np.float32) @ (w > 0).astype(np.float32).T > 0
    share = np.where(known[:, None] & known[None, :] & ~same, share, np.nan)
    return Evidence(codes, share, same, known, common, sometimes)


def upward_moves(con, codes: list[str], wages: np.ndarray, employment: np.ndarray) -> np.ndarray:
    """Per occupation: the share of the observed moves out of its CPS group(s) that go to a group
    paying more than the occupation itself (BGI's "transitions to higher pay").

    A group's pay is the employment-weighted mean of the national OEWS median wages of the
    occupations it holds (`wages`, `employment` aligned with `codes`); the occupation's own pay is
    its national median, so a region's wages never move it. NaN where CPS has no group for it or
    it has no national median.
    """
    g, movers = _movers(con)
    w = _group_weights(con, codes, g)
    ok = ~np.isnan(wages) & (employment > 0)
    mass = w * np.where(ok, employment, 0.0)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        group_pay = (mass * np.nan_to_num(wages)[:, None]).sum(axis=0) / mass.sum(axis=0)
    origin = w / np.where(w.sum(axis=1, keepdims=True) > 0, w.sum(axis=1, keepdims=True), 1)
    higher = group_pay[None, :] > wages[:, None]  # occupations × groups
    out = np.einsum("ig,gh,ih->i", origin, movers, higher.astype(float))
    out[~(w.sum(axis=1) > 0) | np.isnan(wages)] = np.nan
    return out
