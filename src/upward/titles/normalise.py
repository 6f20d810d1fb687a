"""Job title text → the words that say which occupation it is.

A title as people write it carries words that say nothing about the occupation: seniority
("Sr.", "Junior"), grade numbering ("II", "Level 3"), the shift ("2nd shift", "Nights"), the
place ("- Houston, TX", "(Remote)"), requisition numbers ("#48213"), and abbreviations
("Mgr", "Asst", "Tech"). The SOC coding rules code a job by the work done, so all of these are
dropped or spelled out before lookup, and the vocabulary (O*NET and BLS titles) goes through the
very same steps, so both sides meet in one form.

`variants(text)` returns the forms to look up: the whole title first, then each part when the
title joins several with " / ", " - ", "|", "," or brackets ("CNA / Patient Care Tech",
"Forklift Operator - Houston"). A part made only of noise (a shift, a state, "Remote") is no
variant. `normalise(text)` is one form: lower-case words, noise dropped, abbreviations expanded,
plurals made singular, in the order written. `key(form)` is the exact-lookup key: the distinct
words without joining words, sorted, so "Manager, Sales" and "Sales Manager" meet.

Every rule and list here is documented with its reason in docs/titles.md; nothing is specific to
one occupation.
"""

from __future__ import annotations

import re
import unicodedata

#: Abbreviations common in job postings and HR systems → the word the SOC and O*NET titles use.
#: Only abbreviations with one reading in job titles are listed ("Admin" may be administrative
#: or administrator, "Mech" mechanic or mechanical, "PT" part-time or physical therapist: those
#: are left to the vocabulary, which holds O*NET's short titles, and to fuzzy matching).
ABBREVIATIONS: dict[str, str] = {
    "mgr": "manager", "mngr": "manager", "mgmt": "management",
    "asst": "assistant", "assnt": "assistant", "asstnt": "assistant",
    "assoc": "associate",
    "coord": "coordinator", "coordr": "coordinator",
    "supv": "supervisor", "supvr": "supervisor", "spvr": "supervisor", "supr": "supervisor", "sup": "supervisor",
    "tech": "technician", "techn": "technician",
    "rep": "representative", "reps": "representative",
    "spec": "specialist", "splst": "specialist",
    "engr": "engineer",
    "dir": "director",
    "exec": "executive",
    "svc": "service", "svcs": "service", "serv": "service",
    "cust": "customer",
    "ops": "operations", "oper": "operator", "opr": "operator",
    "maint": "maintenance", "mtce": "maintenance",
    "whse": "warehouse", "wrhs": "warehouse",
    "mfg": "manufacturing", "mktg": "marketing", "acctg": "accounting",
    "dept": "department", "gen": "general", "govt": "government",
    "inst": "instructor", "instr": "instructor",
    "tchr": "teacher", "prof": "professor",
    "hr": "human resources",
    "vp": "vice president",
    "w": "with",
    "nurs": "nursing",
}  # fmt: skip

#: Seniority words: the SOC codes a senior accountant with accountants.
SENIORITY = frozenset({"senior", "sr", "snr", "junior", "jr", "experienced", "entry"})
#: Words that, followed by a number, grade a job ("Level 2", "Grade 3").
GRADE_WORDS = frozenset({"level", "grade", "step", "band", "lvl", "class"})
#: Words that make "X shift" a shift ("2nd shift", "night shift", "swing shift").
SHIFT_WORDS = frozenset(
    {"1st", "2nd", "3rd", "4th", "first", "second", "third", "fourth", "day", "days", "night", "nights",
     "evening", "evenings", "overnight", "overnights", "graveyard", "swing", "weekend", "weekends", "rotating", "split"}
)  # fmt: skip
#: Schedule and arrangement words dropped wherever they stand.
SCHEDULE = frozenset(
    {"nights", "evenings", "overnights", "weekends", "prn", "perdiem", "parttime", "fulltime", "temporary",
     "seasonal", "fte"}
)  # fmt: skip
#: Words that are noise when they make up a whole part of the title ("(Remote)", "- Days").
PART_NOISE = SHIFT_WORDS | SCHEDULE | frozenset(
    {"remote", "hybrid", "onsite", "on", "site", "office", "home", "work", "from", "wfh", "shift", "shifts",
     "full", "part", "time", "temp", "contract", "permanent", "perm", "per", "diem", "ft", "pt", "urgent",
     "hiring", "now", "immediately", "new", "opening", "openings", "position", "job", "req", "id", "no",
     "multiple", "various", "location", "locations", "and", "or", "am", "pm", "mon", "fri", "sat", "sun", "bonus",
     "sign", "signing", "hour", "hourly", "week", "weekly", "per", "hr", "hrs"}
)  # fmt: skip
#: Joining words left out of the exact-lookup key.
JOINING = frozenset({"and", "of", "the", "for", "in", "a", "an", "to", "with", "or", "at", "on", "by"})

#: US states, DC and territories: names and postal codes, as the location of a posting names them.
STATES = {
    "al": "alabama", "ak": "alaska", "az": "arizona", "ar": "arkansas", "ca": "california", "co": "colorado",
    "ct": "connecticut", "de": "delaware", "dc": "district of columbia", "fl": "florida", "ga": "georgia",
    "hi": "hawaii", "id": "idaho", "il": "illinois", "in": "indiana", "ia": "iowa", "ks": "kansas",
    "ky": "kentucky", "la": "louisiana", "me": "maine", "md": "maryland", "ma": "massachusetts",
    "mi": "michigan", "mn": "minnesota", "ms": "mississippi", "mo": "missouri", "mt": "montana",
    "ne": "nebraska", "nv": "nevada", "nh": "new hampshire", "nj": "new jersey", "nm": "new mexico",
    "ny": "new york", "nc": "north carolina", "nd": "north dakota", "oh": "ohio", "ok": "oklahoma",
    "or": "oregon", "pa": "pennsylvania", "ri": "rhode island", "sc": "south carolina", "sd": "south dakota",
    "tn": "tennessee", "tx": "texas", "ut": "utah", "vt": "vermont", "va": "virginia", "wa": "washington",
    "wv": "west virginia", "wi": "wisconsin", "wy": "wyoming", "pr": "puerto rico", "gu": "guam",
    "vi": "virgin islands",
}  # fmt: skip
_STATE_NAMES = frozenset(STATES.values())
_ROMAN = frozenset({"i", "ii", "iii", "iv", "v", "vi"})
_ORDINAL = re.compile(r"\d+(st|nd|rd|th)")
#: Words ending in -s that are not plurals (status, analysis, sales is kept as 'sale' on both sides).
_NOT_PLURAL = re.compile(r".*(ss|us|is|ous|ics)$")

#: Separators between parts of a title: " - " (a hyphen with a space on either side), "|", ",", ";",
#: ":" and a slash; a hyphen inside a word ("Tractor-Trailer") and a slash between short
#: abbreviations ("A/C", "A/V") join rather than separate.
_PART_SPLIT = re.compile(r"\s+-\s*|\s*-\s+|\s*[|;:,]\s*|\s+/\s*|\s*/\s+|(?<=[a-z0-9]{3})/(?=[a-z0-9]{3})")
_BRACKETS = re.compile(r"[(\[{]([^()\[\]{}]*)[)\]}]")
_REQUISITION = re.compile(r"(?:\b(?:req|requisition|job|posting)\s*(?:id|no|number|#)?\s*[:#]?\s*[a-z0-9-]*\d[a-z0-9-]*)|#\s*\w*\d\w*")


_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_QUOTES = re.compile(r"[\u2018\u2019\u02bc`´]")
_POSSESSIVE = re.compile(r"'s\b|'")
_INITIALS = re.compile(r"(?<![a-z0-9])([a-z])\.(?=[a-z]\.?(?![a-z0-9]))")
_INNER_PERIOD = re.compile(r"(?<=[a-z])\.(?=[a-z]\.)")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9]+")


def clean(text: str) -> str:
    """Unicode compatibility form, lower case, one kind of dash and quote, '&' as 'and', no requisition numbers."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    text = _DASHES.sub("-", text)
    text = _QUOTES.sub("'", text)
    text = text.replace("&", " and ").replace("+", " plus ")
    text = _REQUISITION.sub(" ", text)
    text = _POSSESSIVE.sub("", text)  # driver's → driver, o'neil → oneil
    # periods: R.N. → rn, Sr. → sr (a period after one letter joins it to the next letter)
    text = _INITIALS.sub(r"\1", text)
    text = _INNER_PERIOD.sub("", text)
    text = text.replace(".", " ")
    return _SPACES.sub(" ", text).strip()


def _singular(word: str) -> str:
    """A light plural → singular rule, applied to both sides: nurses → nurse, secretaries → secretary."""
    if len(word) <= 3 or not word.endswith("s") or _NOT_PLURAL.fullmatch(word):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    return word[:-1]


def _expand(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        out.extend(ABBREVIATIONS.get(w, w).split())
    return out


def _drop_noise(words: list[str]) -> list[str]:
    """Seniority, grades, shifts, schedules, state names at the end, and trailing numbering."""
    out: list[str] = []
    i = 0
    n = len(words)
    while i < n:
        w = words[i]
        nxt = words[i + 1] if i + 1 < n else ""
        if w in SENIORITY:
            i += 2 if (w == "entry" and nxt == "level") else 1
            continue
        if w in GRADE_WORDS and (nxt.isdigit() or nxt in _ROMAN):
            i += 2
            continue
        if w in SHIFT_WORDS and nxt in ("shift", "shifts"):
            i += 2
            continue
        if _ORDINAL.fullmatch(w) and nxt in ("shift", "shifts"):
            i += 2
            continue
        if w in ("part", "full") and nxt == "time":
            i += 2
            continue
        if w == "per" and nxt == "diem":
            i += 2
            continue
        if w in SCHEDULE:
            i += 1
            continue
        if w.isdigit() and len(w) >= 4:  # a requisition or store number
            i += 1
            continue
        out.append(w)
        i += 1
    # trailing numbering: "Technician II", "Operator 3", "Analyst I-A"
    while len(out) > 1 and (out[-1] in _ROMAN or (out[-1].isdigit() and len(out[-1]) <= 2) or out[-1] in ("shift", "shifts")):
        out.pop()
    return out


def words(text: str) -> list[str]:
    """The title's words after cleaning, abbreviation, noise and plural rules (brackets kept as words)."""
    return _words_of_clean(clean(text))


def _words_of_clean(cleaned: str) -> list[str]:
    return [_singular(w) for w in _drop_noise(_expand(_WORD.findall(cleaned)))]


def normalise(text: str) -> str:
    """One form of a title: its words joined by single spaces (empty when nothing occupational is left)."""
    return " ".join(words(text))


def key(form: str) -> str:
    """The exact-lookup key of a normalised form: distinct words, joining words left out, sorted."""
    parts = sorted({w for w in form.split() if w not in JOINING})
    return " ".join(parts)


def head(form: str) -> str:
    """The head word of a normalised form, the noun that names the occupation: the last word, or the
    last before 'of' ("first line supervisor of retail sale worker" → supervisor)."""
    words_ = form.split()
    if "of" in words_[1:]:
        words_ = words_[: words_.index("of", 1)]
    return words_[-1] if words_ else ""


def _is_noise_part(part: str) -> bool:
    """A part that names no occupation: a shift, a schedule, a state or 'City, ST', 'Remote', a number."""
    tokens = re.findall(r"[a-z0-9]+", part)
    if not tokens:
        return True
    if " ".join(tokens) in _STATE_NAMES or (len(tokens) == 1 and tokens[0] in STATES):
        return True
    return all(t in PART_NOISE or t.isdigit() or _ORDINAL.fullmatch(t) or t in _ROMAN for t in tokens)


def _strip_location(text: str) -> str:
    """'Forklift Operator - Houston, TX' → 'Forklift Operator - Houston': a trailing ', ST' or ', State' names a place."""
    m = re.search(r",\s*([a-z .]+)$", text)
    if m:
        tail = m.group(1).replace(".", "").strip()
        if tail in STATES or tail in _STATE_NAMES:
            text = text[: m.start()]
    return text


def variants(text: str) -> list[str]:
    """The normalised forms to look up, best first: the whole title (brackets dropped), then its parts.

    Duplicates and empty forms are left out; an all-noise title gives an empty list.
    """
    if text is None:
        return []
    cleaned = clean(text)
    brackets = [b.strip() for b in _BRACKETS.findall(cleaned)]
    outside = _BRACKETS.sub(" ", cleaned)
    outside = _strip_location(outside.strip())
    raw_parts = [p.strip() for p in _PART_SPLIT.split(outside) if p and p.strip()]
    parts = [p for p in raw_parts if not _is_noise_part(p)]
    bracket_parts = [b for b in brackets if not _is_noise_part(b)]
    forms: list[str] = []
    whole = " ".join(parts)
    for candidate in [whole, *parts, *bracket_parts, whole + " " + " ".join(bracket_parts) if bracket_parts else ""]:
        form = " ".join(_words_of_clean(candidate)) if candidate else ""
        if form and form not in forms:
            forms.append(form)
    return forms
