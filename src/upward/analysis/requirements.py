"""What it takes to enter each occupation, in human units: credential, training, experience, time.

Every figure is an official field turned into years by a rule written here once (and in
docs/pathways.md §3), so a navigator can read "about 4 months of certificate training, then
about 1 month of on-the-job training" instead of a category code:

* **credential** — BLS Employment Projections *typical education needed for entry*. No formal
  credential and a high-school diploma ask for no postsecondary study. A postsecondary nondegree
  award (CNA, LPN, CDL, EMT, HVAC …) or some college is a *certificate*; associate's and above
  are *degrees*: BLS's levels in years of study after high school (associate's 2, bachelor's 4,
  master's 6, doctoral or professional 8), and at least `DEGREE_YEARS` for a field-specific
  degree in a new field. A certificate's length is read from what
  the region's colleges actually award for that occupation: the completions-weighted length of
  the sub-associate certificates (IPEDS award levels 20, 21, 2, 4) in the CIP programmes that
  lead to it (CIP–SOC), each level at the middle of its IPEDS range — so heavy-truck driving
  comes out in weeks and practical nursing near a year and a half. Without IPEDS completions
  a certificate counts one year.
* **on-the-job training** — BLS *typical on-the-job training needed to attain competency*, at
  the middle of BLS's definition of each category: short-term (1 month or less) 1 month,
  moderate-term (1–12 months) 6 months, long-term (more than 12 months) 18 months,
  apprenticeship (BLS: usually 3 to 5 years) 4 years, internship/residency 1 year.
* **related experience** — BLS *work experience in a related occupation*: none, less than 5
  years (counted as 2), 5 years or more (counted as 5).
* **O*NET related occupations** — the 20 occupations O*NET lists as related to each one.
* **employers** — each occupation's mix of 3-digit NAICS industries (OEWS national staffing), to
  tell whether experience was gained with the same kind of employers.
* **degree field** — whether a bachelor's is the occupation's own field (`_specific_bachelors`).
* **SOC structure** — major, minor and broad group, and whether the occupation is a first-line
  supervisor: SOC 2018 classifies the first-line supervisors of major groups 33 to 53 in minor
  group `xx-1000` of the group whose workers they supervise (SOC coding principle).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upward.atlas.programs import SPECIFIC_PROGRAMME_OCCUPATIONS
from upward.profiles import EDUCATION_LEVELS

#: Full-time years of study after high school each entry level takes (BLS's own definitions of
#: the degrees; "some college, no degree" one year). Certificates are measured per occupation.
EDUCATION_YEARS = {
    "No formal educational credential": 0.0, "High school diploma or equivalent": 0.0, "Some college, no degree": 1.0,
    "Postsecondary nondegree award": 1.0, "Associate's degree": 2.0, "Bachelor's degree": 4.0, "Master's degree": 6.0,
    "Doctoral or professional degree": 8.0,
}
#: The least a field-specific degree takes whatever the person holds already: an associate's its
#: two years (BLS), a bachelor's in a new field about two (a second or accelerated bachelor's after
#: another degree), a master's about two and a doctoral or professional degree about four beyond
#: a bachelor's. From below, the climb in BLS's levels counts when it is longer.
DEGREE_YEARS = {"Associate's degree": 2.0, "Bachelor's degree": 2.0, "Master's degree": 2.0, "Doctoral or professional degree": 4.0}
CERTIFICATE_LEVELS = ("Some college, no degree", "Postsecondary nondegree award")
DEGREE_LEVELS = ("Associate's degree", "Bachelor's degree", "Master's degree", "Doctoral or professional degree")
#: How many years a certificate at each IPEDS award level takes: the middle of its range.
CERTIFICATE_AWARD_YEARS = {20: 6 / 52, 21: (12 / 52 + 1) / 2, 2: 1.5, 4: 3.0}
OJT_YEARS = {
    "None": 0.0, "Short-term on-the-job training": 1 / 12, "Moderate-term on-the-job training": 0.5,
    "Long-term on-the-job training": 1.5, "Apprenticeship": 4.0, "Internship/residency": 1.0,
}
EXPERIENCE_YEARS = {"None": 0.0, "Less than 5 years": 2.0, "5 years or more": 5.0}
#: SOC major groups whose minor group xx-1000 holds first-line supervisors (33 through 53).
SUPERVISED_MAJORS = tuple(f"{m}-0000" for m in range(33, 54, 2))


@dataclass(frozen=True)
class Requirements:
    """Per occupation (aligned with `codes`): the official entry fields and their time."""

    codes: list[str]
    education: list[str | None]  # BLS typical entry education
    education_rank: np.ndarray  # index in EDUCATION_LEVELS (NaN unknown)
    education_years: np.ndarray  # years of study after high school (NaN unknown)
    credential_years: np.ndarray  # years the occupation's own credential takes (0 when none)
    credential_kind: list[str]  # "none", "certificate" or "degree"
    ojt: list[str | None]
    ojt_years: np.ndarray
    experience: list[str | None]
    experience_years: np.ndarray
    major: np.ndarray  # SOC codes of the groups, as object arrays
    minor: np.ndarray
    broad: np.ndarray
    supervisor: np.ndarray  # bool: a first-line supervisor (xx-1000 in majors 33–53)
    shares_program: np.ndarray  # codes × codes bool: a CIP programme leads to both
    employment: np.ndarray  # national OEWS employment (0 where unpublished), for group averages
    specific_degree: np.ndarray  # bool: a bachelor's in its own field (see `_specific_bachelors`)
    industry_mix: np.ndarray  # codes × 3-digit NAICS: share of national employment (rows sum to 1; 0 where unknown)
    onet_related: np.ndarray  # codes × codes int8: O*NET tier of B among A's related occupations (0 = not listed, 1 Primary-Short, 2 Primary-Long, 3 Supplemental)


def requirements(con, codes: list[str]) -> Requirements:
    """The entry requirements of `codes`, read from the atlas (BLS EP, SOC, IPEDS, CIP–SOC)."""
    index = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    facts = {r[0]: r[1:] for r in con.execute(
        """select e.occ_code, e.typical_education, e.on_the_job_training, e.work_experience,
                  o.major_code, o.minor_code, o.broad_code
           from occupations o left join occupation_education e using (occ_code)"""
    ).fetchall()}
    rank = {e: i for i, e in enumerate(EDUCATION_LEVELS)}
    education, ojt, experience = [None] * n, [None] * n, [None] * n
    major, minor, broad = (np.full(n, None, dtype=object) for _ in range(3))
    for c, i in index.items():
        edu, train, exp, ma, mi, br = facts.get(c, (None,) * 6)
        education[i], ojt[i], experience[i] = edu, train, exp
        major[i], minor[i], broad[i] = ma, mi, br
    edu_rank = np.array([rank.get(e, np.nan) for e in education], float)
    edu_years = np.array([EDUCATION_YEARS.get(e, np.nan) for e in education], float)
    kind = ["degree" if e in DEGREE_LEVELS else "certificate" if e in CERTIFICATE_LEVELS else "none" for e in education]
    cert_years = _certificate_years(con, codes)
    credential_years = np.array(
        [DEGREE_YEARS.get(education[i], 0.0) if kind[i] == "degree" else cert_years.get(c, 1.0) if kind[i] == "certificate" else 0.0
         for c, i in index.items()], float)
    supervisor = np.array([mi is not None and ma in SUPERVISED_MAJORS and mi == ma[:3] + "1000" for ma, mi in zip(major, minor)])
    return Requirements(
        codes, education, edu_rank, edu_years, credential_years, kind, ojt,
        np.array([OJT_YEARS.get(t, 0.0) for t in ojt], float), experience,
        np.array([EXPERIENCE_YEARS.get(x, 0.0) for x in experience], float),
        major, minor, broad, supervisor, _shared_programs(con, index), _national_employment(con, codes),
        np.isin(np.array(codes), sorted(_specific_bachelors(con))), _industry_mix(con, index), _onet_related(con, index),
    )


def _certificate_years(con, codes: list[str]) -> dict[str, float]:
    """Completions-weighted length of the sub-associate certificates leading to each occupation."""
    levels = ", ".join(str(k) for k in CERTIFICATE_AWARD_YEARS)
    cases = " ".join(f"when {k} then {v!r}" for k, v in CERTIFICATE_AWARD_YEARS.items())
    rows = con.execute(
        f"""select o.occ_code, sum(c.completions_total * case c.award_level {cases} end) / sum(c.completions_total)
            from ipeds_completions c join cip_occupations o using (cip_code)
            where c.award_level in ({levels}) and c.completions_total > 0
              and c.year = (select max(year) from ipeds_completions)
            group by o.occ_code"""
    ).fetchall()
    wanted = set(codes)
    return {c: float(y) for c, y in rows if c in wanted}


def _specific_bachelors(con) -> set[str]:
    """Occupations whose bachelor's is a degree in their own field (nursing, engineering, teaching):
    the atlas's `occupation_specific_degree` (rule and thresholds in upward/atlas/programs.py,
    shared with the award levels that train for each occupation)."""
    return {r[0] for r in con.execute("select occ_code from occupation_specific_degree").fetchall()}


def _industry_mix(con, index: dict[str, int]) -> np.ndarray:
    """codes × 3-digit NAICS industries: each occupation's share of national employment (OEWS staffing)."""
    rows = con.execute(
        """select s.occ_code, s.industry_code, s.tot_emp from oews_industry_staffing s
           join oews_industries i using (industry_code) where i.display_level = 3 and s.tot_emp > 0"""
    ).fetchall()
    industries = sorted({r[1] for r in rows})
    col = {c: k for k, c in enumerate(industries)}
    mix = np.zeros((len(index), len(industries)), dtype=np.float32)
    for occ, ind, emp in rows:
        if occ in index:
            mix[index[occ], col[ind]] = emp
    total = mix.sum(axis=1, keepdims=True)
    return np.divide(mix, total, out=np.zeros_like(mix), where=total > 0)


def industry_overlap(mix: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """rows × cols: the share of employment two occupations' industry mixes have in common
    (Σ min of the shares); NaN where either has no staffing data."""
    out = np.zeros((len(rows), len(cols)), dtype=np.float32)
    b = mix[cols]
    for start in range(0, len(rows), 64):
        a = mix[rows[start:start + 64]]
        out[start:start + 64] = np.minimum(a[:, None, :], b[None, :, :]).sum(axis=2)
    known = (mix[rows].sum(axis=1) > 0)[:, None] & (mix[cols].sum(axis=1) > 0)[None, :]
    return np.where(known, out, np.nan)


def _national_employment(con, codes: list[str]) -> np.ndarray:
    emp = dict(con.execute("select occ_code, tot_emp from wages where area_code = '0000000'").fetchall())
    return np.array([emp.get(c) or 0.0 for c in codes], float)


def _onet_related(con, index: dict[str, int]) -> np.ndarray:
    """codes × codes: the tier at which O*NET 30 lists B among A's related occupations (0 = not)."""
    out = np.zeros((len(index), len(index)), dtype=np.int8)
    tiers = {"Primary-Short": 1, "Primary-Long": 2, "Supplemental": 3}
    for a, b, tier in con.execute("select occ_code, related_occ, tier from occupation_related").fetchall():
        if a in index and b in index:
            out[index[a], index[b]] = tiers[tier]
    return out


def _shared_programs(con, index: dict[str, int]) -> np.ndarray:
    """codes × codes: some specific CIP programme (not a residual "Other" one, and leading to at most
    three occupations) leads to both occupations, so one credential serves both."""
    n = len(index)
    member = {}
    # a residual programme ("…, Other", CIP xx.xx99) gathers unrelated training, and a broad one
    # (Education, General → every kind of teacher) does not give any one of its occupations'
    # credential, so only specific programmes (leading to at most three occupations) count as shared
    for cip, occ in con.execute(
        f"""select cip_code, occ_code from cip_occupations where cip_code not like '%99' and cip_code in
            (select cip_code from cip_occupations group by 1 having count(*) <= {SPECIFIC_PROGRAMME_OCCUPATIONS})"""
    ).fetchall():
        if occ in index:
            member.setdefault(cip, []).append(index[occ])
    cips = sorted(member)
    m = np.zeros((n, len(cips)), dtype=np.float32)
    for k, cip in enumerate(cips):
        m[member[cip], k] = 1.0
    return (m @ m.T) > 0
