"""Occupation, programme and place codes as people write them → the one spelling Upward stores.

Every file a person brings (an inventory, a rating sheet, a benefits CSV, participant and wage
records) and every code a person types goes through these parsers, so a code accepted in one
place is accepted in all (`29-1141.00` is `29-1141` in a benefits CSV as in a rating sheet).

| system | canonical | also accepted | why the alternatives |
|---|---|---|---|
| SOC 2018 | `29-1141` | `291141`, `29-1141.00`, `29 1141`, 291141 (a number) | OEWS downloads drop the dash; O*NET writes the SOC occupation itself as `.00` |
| O*NET-SOC | `29-1141.01` | `291141.01` | its SOC code is the first seven characters (`soc.onet_soc`) |
| CIP 2020 (6 digits) | `51.3801` | `513801`, `1.0101` | IPEDS files drop the period; a spreadsheet that reads `01.0101` as a number drops the leading zero |
| county FIPS | `48201` | `8001`, 8001 (a number) | a spreadsheet drops the leading zero of `08001` |
| OEWS area | `0026420` | `26420` (rating sheets), 26420 | a spreadsheet drops the leading zeros of OEWS's seven-digit codes |

Whether a well-formed code exists (is `29-9999` an occupation?) is the atlas's to say: the
parsers here only read the spelling. Dashes of any kind (`‐`, `–`, `−`) and full-width digits
count as their ASCII forms (Unicode NFKC plus dash folding, `upward.text`), because they come from
word processors and web pages, never from the code systems themselves.

The outcome engine parses the distinct code texts of a file with these same functions and joins
the result back (a wage file of 10^8 records holds a few hundred distinct SOC texts).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from upward.text import fold_dashes

#: The canonical spellings, as regular expressions (also used by the official-source readers).
SOC = r"\d{2}-\d{4}"
ONET_SOC = r"\d{2}-\d{4}\.\d{2}"
CIP6 = r"\d{2}\.\d{4}"
#: A CIP code of any level: 2-digit series, 4-digit, 6-digit.
CIP = r"\d{2}(\.\d{2}(\d{2})?)?"
COUNTY_FIPS = r"\d{5}"
OEWS_AREA = r"\d{7}"

_SOC_WRITTEN = re.compile(r"(\d{2})[- ]?(\d{4})(?:\.(\d{2}))?")
_CIP_WRITTEN = re.compile(r"(\d{1,2})\.(\d{4})|(\d{2})(\d{4})")


class SocCode(NamedTuple):
    """A parsed occupation code: the SOC code and, when written as one, the O*NET-SOC code."""

    soc: str  # '29-1141'
    onet: str | None  # '29-1141.01'; '29-1141.00' for a code written with .00

    @property
    def key(self) -> str:
        """The code to look up: an O*NET-SOC detail code (`.01`…) as written, else the SOC code (`.00` is the SOC occupation)."""
        return self.onet if self.onet and not self.onet.endswith(".00") else self.soc


def as_text(value) -> str:
    """A cell as code text: strings stripped and folded (NFKC, dashes), whole numbers without '.0'."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    return fold_dashes(str(value)).strip()


def parse_soc(value) -> SocCode | None:
    """'29-1141', '291141', 291141, '29 1141' → ('29-1141', None); '29-1141.01' → ('29-1141', '29-1141.01')."""
    m = _SOC_WRITTEN.fullmatch(as_text(value))
    if not m:
        return None
    soc = f"{m.group(1)}-{m.group(2)}"
    return SocCode(soc, f"{soc}.{m.group(3)}" if m.group(3) else None)


def soc(value) -> str | None:
    """The SOC code of `value` (an O*NET-SOC code gives its SOC occupation), else None."""
    parsed = parse_soc(value)
    return parsed.soc if parsed else None


def cip6(value) -> str | None:
    """'51.3801', '513801', 513801, '1.0101' → the six-digit CIP code '51.3801' / '01.0101', else None."""
    m = _CIP_WRITTEN.fullmatch(as_text(value))
    if not m:
        return None
    if m.group(1) is not None:
        return f"{m.group(1).zfill(2)}.{m.group(2)}"
    return f"{m.group(3)}.{m.group(4)}"


def cip_prefix(text: str) -> str:
    """A CIP code or prefix as a filter is typed ('51.38', '51.3801', or '513801' / '="513801"' as a
    spreadsheet writes it) → the dotted prefix the inventory's codes start with."""
    prefix = text.replace("=", "").strip('"')
    if prefix.isdigit() and len(prefix) > 2:
        prefix = f"{prefix[:2]}.{prefix[2:]}"
    return prefix


def county_fips(value) -> str | None:
    """'48201', '8001', 8001 → the five-digit county FIPS code, else None."""
    text = as_text(value)
    if re.fullmatch(r"\d{4,5}", text):
        return text.zfill(5)
    return None


def oews_area(value) -> str | None:
    """'0026420', '26420', 26420, '0' → the seven-digit OEWS area code, else None.

    Any run of up to seven digits is an OEWS code whose leading zeros a spreadsheet dropped: OEWS
    metro codes are the CBSA with two leading zeros, the nation is 0000000.
    """
    text = as_text(value)
    if re.fullmatch(r"\d{1,7}", text):
        return text.zfill(7)
    return None


def place(value) -> str | None:
    """A county FIPS or an OEWS area code, told apart by length: 4–5 digits a county, 7 an area."""
    text = as_text(value)
    if re.fullmatch(r"\d{7}", text):
        return text
    return county_fips(text)
