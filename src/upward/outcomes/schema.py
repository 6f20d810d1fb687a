"""The documented input schemas, their codes (PIRL element numbers and values), and the mapping file.

Every code list here is the Department of Labor's Participant Individual Record Layout (PIRL,
ETA-9172) value list for the element named beside it, read from the PIRL element table
(`PIRL_public_daspUtilities.csv`), except `race_ethnicity` and `training_type`, which PIRL splits
over several elements: their values and the PIRL elements they summarise are listed below and in
docs/outcomes.md. `college_credits` and `net_price` have no PIRL element: they are what the
career-pathways credit metric and E-W's minimum economic return need, and are optional.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from pathlib import Path

from upward.errors import UpwardError


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # id, text, date, code, area, soc, title, quarter, money, amount (a non-negative number)
    required: bool
    pirl: str | None
    what: str
    codes: tuple[str, ...] = ()


#: PIRL 201 Sex: 1 = Male, 2 = Female, 9 = Participant did not self-identify.
SEX = {"1": "male", "2": "female", "9": "not self-identified"}
#: Summary of PIRL 210 (Hispanic/Latino) and 211–215 (American Indian/Alaska Native, Asian, Black/African
#: American, Native Hawaiian/Other Pacific Islander, White), Hispanic of any race first, as federal
#: reporting tabulates them; `multiple` = two or more of 211–215 and not Hispanic; `9` = did not self-identify.
RACE_ETHNICITY = {
    "hispanic": "Hispanic/Latino (PIRL 210 = 1)",
    "aian": "American Indian/Alaska Native (PIRL 211)",
    "asian": "Asian (PIRL 212)",
    "black": "Black/African American (PIRL 213)",
    "nhpi": "Native Hawaiian/Other Pacific Islander (PIRL 214)",
    "white": "White (PIRL 215)",
    "multiple": "two or more of PIRL 211–215",
    "9": "did not self-identify (PIRL 210–215 = 9)",
}
#: PIRL 904 Dislocated Worker: 1 = Yes, Local Formula; 2 = Yes, Statewide; 3 = Yes, both; 4 = Reportable Individual; 0 = No.
DISLOCATED_WORKER = {"0": "no", "1": "yes", "2": "yes", "3": "yes", "4": "reportable individual"}
#: PIRL 923 Other Reasons for Exit: 00 = No, 01 Institutionalized, 02 Health/Medical, 03 Deceased,
#: 04 Reserve Forces called to Active Duty, 05 Foster Care, 06 Ineligible, 07 Criminal Offender.
OTHER_EXIT_REASON = {
    "0": "none", "1": "institutionalized", "2": "health/medical", "3": "deceased",
    "4": "reserve forces called to active duty", "5": "foster care", "6": "ineligible", "7": "criminal offender",
}
#: The exits the indicators leave out (the issue's list, TEGL 10-16 Change 3's exclusions): 01–05.
EXCLUDED_EXITS = ("1", "2", "3", "4", "5")
#: PIRL 1800 Type of Recognized Credential: 0 none, 1 Secondary School Diploma/equivalency, 2 AA/AS,
#: 3 BA/BS, 4 Occupational Licensure, 5 Occupational Certificate, 6 Occupational Certification,
#: 7 Other Recognized Diploma, Degree, or Certificate.
CREDENTIAL_TYPE = {
    "0": "none", "1": "secondary school diploma or equivalency", "2": "AA or AS", "3": "BA or BS",
    "4": "occupational licensure", "5": "occupational certificate", "6": "occupational certification",
    "7": "other recognized diploma, degree or certificate",
}
SECONDARY_DIPLOMA = "1"
#: PIRL 202 Individual with a Disability: 1 = Yes, 0 = No, 9 = Participant did not self-identify.
DISABILITY = {"1": "yes", "0": "no", "9": "not self-identified"}
#: PIRL 803 English Language Learner at Program Entry, 802 Low Income Status at Program Entry, 800 Homeless
#: participant … at Program Entry: 1 = Yes, 0 = No.
YES_NO = {"1": "yes", "0": "no"}
#: Summary of PIRL 1303/1310/1315 Type of Training Service (and 1332 postsecondary education).
TRAINING_TYPE = {
    "none": "no training service (PIRL 1303 = 00)",
    "occupational_skills": "occupational skills training (1303 = 06, 10; also 02, 03, 04, 08, 11, 12)",
    "ojt": "on-the-job training (1303 = 01)",
    "customized": "customized training (1303 = 05)",
    "apprenticeship": "registered apprenticeship (1303 = 09)",
    "education": "education leading to a credential (PIRL 1332 = 1, 1401 = 1, or 1811 dated)",
}
#: Who is "in education or training" for the credential rate: every training type but OJT and
#: customized training (TEGL 10-16 Change 3 leaves those out of the credential denominator).
CREDENTIAL_TRAINING = ("occupational_skills", "apprenticeship", "education")
#: Who is "in education or training" for measurable skill gains: every training type.
MSG_TRAINING = ("occupational_skills", "ojt", "customized", "apprenticeship", "education")

PARTICIPANT_FIELDS = (
    Field("person_id", "id", True, "100", "the person's identifier; replaced on load by HMAC-SHA256"),
    Field("program", "text", True, None, "the program (e.g. WIOA Adult, WIOA Dislocated Worker, a local grant)"),
    Field("entry_date", "date", True, "900", "date of program entry"),
    Field("exit_date", "date", False, "901", "date of program exit; empty while still active"),
    Field("birth_date", "date", False, "200", "date of birth (empty: age group 'unknown')"),
    Field("sex", "code", True, "201", "sex", tuple(SEX)),
    Field("race_ethnicity", "code", True, "210–215", "race and ethnicity summary", tuple(RACE_ETHNICITY)),
    Field("dislocated_worker", "code", False, "904", "dislocated-worker status (empty = 0)", tuple(DISLOCATED_WORKER)),
    Field("area", "area", True, None, "county FIPS (5 digits) or OEWS area code (7 digits)"),
    Field("other_exit_reason", "code", False, "923", "other reason for exit (empty = 00)", tuple(OTHER_EXIT_REASON)),
    Field("training_type", "code", False, "1303", "training received (empty = none)", tuple(TRAINING_TYPE)),
    Field("credential_type", "code", False, "1800", "type of recognized credential (empty = 0)", tuple(CREDENTIAL_TYPE)),
    Field("credential_date", "date", False, "1801", "date the credential was attained"),
    Field("msg_date", "date", False, "1806–1810", "date of the latest measurable skill gain"),
    Field("postexit_enrollment_date", "date", False, "1406", "enrolled after exit in education leading to a recognized postsecondary credential"),
    Field("target_soc", "soc", False, None, "the occupation the training aims at (SOC 2018, 29-1141)"),
    Field("disability", "code", False, "202", "individual with a disability (empty = unknown)", tuple(DISABILITY)),
    Field("english_learner", "code", False, "803", "English language learner at program entry (empty = unknown)", tuple(YES_NO)),
    Field("low_income", "code", False, "802", "low income at program entry (empty = unknown)", tuple(YES_NO)),
    Field("homeless", "code", False, "800", "homeless (or runaway youth) at program entry (empty = unknown)", tuple(YES_NO)),
    Field("college_credits", "amount", False, None, "college-level credits earned during participation (semester hours); empty = not recorded"),
    Field("net_price", "amount", False, None, "the participant's total net price of the education or training, dollars (tuition, fees, "
          "books and supplies less grants and scholarships); empty = not recorded"),
    Field("target_job_title", "title", False, None, "the job the training aims at, as free text; coded to SOC where target_soc is blank (docs/titles.md)"),
)
WAGE_FIELDS = (
    Field("person_id", "id", True, None, "the person's identifier; replaced on load by HMAC-SHA256"),
    Field("quarter", "quarter", True, None, "calendar quarter of the wages, YYYYQn"),
    Field("employer_id", "text", False, None, "the employer (UI account or FEIN)"),
    Field("wages", "money", True, None, "wages paid in the quarter, dollars, ≥ 0"),
    Field("naics", "text", False, None, "employer industry (NAICS), optional"),
    Field("soc", "soc", False, None, "occupation (SOC 2018), where the state collects it"),
    Field("job_title", "title", False, None, "the job title, as free text; coded to SOC where soc is blank (docs/titles.md)"),
)
SCHEMAS = {"participants": PARTICIPANT_FIELDS, "wages": WAGE_FIELDS}

#: Age at entry (completed years) → group, as the issue and WIOA reporting band it.
AGE_GROUPS = ((None, 16, "<16"), (16, 19, "16-18"), (19, 25, "19-24"), (25, 45, "25-44"), (45, 55, "45-54"), (55, 60, "55-59"), (60, None, "60+"))

DIMENSIONS = (
    "program", "area", "age_group", "sex", "race_ethnicity", "dislocated_worker", "occupation_group", "exit_quarter",
    "disability", "english_learner", "low_income", "homeless",
)


def parse_by(text: str | None) -> list[tuple[str, ...]]:
    """`--by sex,age_group` → the groupings to compute: overall, each dimension, and the pair."""
    if not text:
        return [()]
    if text.strip() == "all":
        return [()] + [(d,) for d in DIMENSIONS]
    dims = [d.strip() for d in text.split(",") if d.strip()]
    for d in dims:
        if d not in DIMENSIONS:
            raise UpwardError(f"--by: unknown dimension {d!r}.", hint=f"Use one or two of: {', '.join(DIMENSIONS)} (or 'all' for each one alone).")
    if len(dims) > 2 or len(set(dims)) != len(dims):
        raise UpwardError("--by takes one dimension or two different ones (e.g. --by sex,age_group).", hint="Or 'all' for every dimension one at a time.")
    out: list[tuple[str, ...]] = [(), *((d,) for d in dims)]
    if len(dims) == 2:
        out.append(tuple(dims))
    return out


def load_mapping(path: str | Path | None) -> dict[str, dict[str, str]]:
    """Column names in the user's files → the schema's names.

    TOML: `[participants]` / `[wages]` tables of `schema_name = "their column"`. CSV: columns
    `file,field,column`. Unknown files or fields are errors, so a typo never silently drops a column.
    """
    out: dict[str, dict[str, str]] = {"participants": {}, "wages": {}}
    if path is None:
        return out
    p = Path(path)
    if not p.is_file():
        raise UpwardError(f"Mapping file not found: {p}", hint="Pass a TOML or CSV file to --mapping (see docs/outcomes.md).")
    rows: list[tuple[str, str, str, int]] = []
    if p.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise UpwardError(f"Mapping file {p} is not valid TOML: {exc}") from exc
        for file, table in data.items():
            if not isinstance(table, dict):
                raise UpwardError(f"{p}: '{file}' must be a table like [participants] of field = \"column\".")
            rows += [(file, k, v, 0) for k, v in table.items()]
    elif p.suffix.lower() == ".csv":
        with p.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or {"file", "field", "column"} - set(reader.fieldnames):
                raise UpwardError(f"{p}: a CSV mapping needs the columns file, field, column.")
            rows = [(r["file"], r["field"], r["column"], i) for i, r in enumerate(reader, start=1)]
    else:
        raise UpwardError(f"{p}: a mapping file is .toml or .csv.")
    for file, fld, col, row in rows:
        where = f"{p.name}" + (f", row {row}" if row else "")
        if file not in SCHEMAS:
            raise UpwardError(f"{where}: unknown file {file!r}.", hint="Use participants or wages.")
        names = [f.name for f in SCHEMAS[file]]
        if fld not in names:
            raise UpwardError(f"{where}: {file} has no field {fld!r}.", hint="Fields: " + ", ".join(names))
        if not isinstance(col, str) or not col:
            raise UpwardError(f"{where}: the column for {file}.{fld} must be a non-empty name.")
        out[file][fld] = col
    return out
