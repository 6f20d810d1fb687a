"""How people get into an occupation, from BLS's entry fields: is training the route?

A region can only close a *training* gap where training is how people enter the job. BLS
Employment Projections say it per occupation (typical entry education, work experience in a
related occupation, typical on-the-job training), and the route follows from them, in this order:

* **apprenticeship** — on-the-job training "Apprenticeship": registered apprenticeship is the
  main route (electricians, plumbers); apprentices are not in IPEDS, so an IPEDS shortfall is no
  evidence of a gap;
* **education** — entry education above high school (some college, a postsecondary nondegree
  award, a degree);
* **formal training** — high school or less, but long-term on-the-job training (more than a year)
  or an internship/residency;
* **learned at work** — high school or less with short- or moderate-term on-the-job training, or
  none: people learn the job at work or come to it with experience (cashiers, sales
  representatives, first-line supervisors), so there is no training gap to close;
* **unknown** — BLS publishes no entry fields for the code (some OEWS aggregates).

Only *education* and *formal training* can be training gaps (`TRAINING_ROUTES`), plus the
occupations a region's profile names (`programs.training_route_occupations`). And not where
the nation itself shows that field programmes are not how people enter the job: where IPEDS
completers in the occupation's field cover less than the profile's `gap_ratio` of its national
openings (`occupation_field_supply`, built in the atlas), most entrants come from other fields or
from training IPEDS does not count (CDL schools, police and fire academies, non-credit courses,
employer training), and a local shortfall says nothing about the region.
"""

from __future__ import annotations

import pandas as pd

TRAINING_ROUTES = ("education", "formal training")
BEYOND_HIGH_SCHOOL = (
    "Some college, no degree", "Postsecondary nondegree award", "Associate's degree", "Bachelor's degree",
    "Master's degree", "Doctoral or professional degree",
)  # fmt: skip
FORMAL_TRAINING = ("Long-term on-the-job training", "Internship/residency")

#: What each route means for supply, as every face says it.
ROUTE_NOTES = {
    "apprenticeship": "registered apprenticeship is the main route; apprentices are not counted in IPEDS",
    "learned at work": "learned at work",
    "unknown": "BLS publishes no entry requirements for this code",
}


def route_reason(training_route: str, education: str | None, experience: str | None, on_the_job_training: str | None) -> str:
    """Why an occupation's supply is not a training question, with BLS's own fields:
    'learned at work (BLS: high school diploma or equivalent; moderate-term on-the-job training)'."""
    facts = [f.lower() for f in (education, on_the_job_training) if f and f != "None"]
    if experience and experience != "None":
        facts.append(f"{experience.lower()} of related experience")
    note = ROUTE_NOTES[training_route]
    if training_route == "learned at work" and experience and experience != "None":
        note = "learned at work or entered with experience"
    return f"{note} (BLS: {'; '.join(facts)})" if facts and training_route != "unknown" else note


def route(education: str | None, on_the_job_training: str | None) -> str:
    """The training route of one occupation from its BLS typical entry education and on-the-job training."""
    if education is None or (isinstance(education, float) and education != education):
        return "unknown"
    if on_the_job_training == "Apprenticeship":
        return "apprenticeship"
    if education in BEYOND_HIGH_SCHOOL:
        return "education"
    if on_the_job_training in FORMAL_TRAINING:
        return "formal training"
    return "learned at work"


def routes(con) -> pd.DataFrame:
    """Per occupation: BLS's entry fields, the route, and the nation's field supply ratio
    (IPEDS completers in its field ÷ national annual openings), indexed by occ_code."""
    df = con.execute(
        """select e.occ_code, e.typical_education, e.work_experience, e.on_the_job_training as typical_on_the_job_training,
                  f.ratio as national_field_ratio
           from occupation_education e left join occupation_field_supply f using (occ_code)"""
    ).df()
    df["training_route"] = [route(e, t) for e, t in zip(df.typical_education, df.typical_on_the_job_training)]
    return df.set_index("occ_code")
