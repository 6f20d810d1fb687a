"""Text a person brings, made comparable: one place that normalises ids and names and refuses hidden characters.

Spreadsheets, word processors and web pages put characters into cells that a reader cannot see
or cannot tell apart: a non-breaking space, a zero-width space, a typographic hyphen (U+2010),
a Cyrillic `а` that looks like a Latin `a`, or a right-to-left override (U+202E) that shows
`exe.txt` for `txt.exe`. Left alone, `HCC-RN` and `HCC‐RN` import as two programmes and four
look-alike spellings of one rater count as four voices. The rules, applied to every text cell
of every file Upward reads (`upward.sheets`) and to rater identities:

- **`clean`** (every text cell): Unicode NFKC (full-width letters, ligatures and compatibility
  spaces become their plain forms), then the *default-ignorable* code points (Unicode's
  Default_Ignorable_Code_Point: zero-width spaces and joiners, soft hyphens, variation
  selectors, tag characters …) are removed. Nothing visible changes.
- **Refused** (`problem` names the character): C0/C1 control characters other than tab, line
  feed and carriage return; the bidirectional formatting controls (U+061C, U+200E–U+200F,
  U+202A–U+202E, U+2066–U+2069), which reorder what a reader sees; lone surrogates. A cell that
  holds one is an error naming file, row and field, never silently repaired: it is a sign of a
  spoofed value or a broken export.
- **`identifier`** (programme and provider ids): `clean`, every Unicode dash (category Pd, and
  the minus sign) as `-`, runs of spaces as one. An id that mixes letters from two scripts where
  one is a look-alike of a Latin letter (`НСС-RN`, Cyrillic Н and С) is refused: ids are written
  in one script, and a mixed one is a typing accident or a spoof.
- **`identity`** (who a rater is): `clean`, case folded, spaces removed, dashes folded, and each
  non-ASCII character that Unicode's confusables table (UTS #39, as shipped by the
  `confusable-homoglyphs` package) lists as a look-alike of an ASCII letter or digit replaced by
  it. `Ana Ruiz`, `ANA  RUIZ`, `Аna Ruiz` (Cyrillic А) and `Ana\u200bRuiz` are one voice.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

#: Bidirectional formatting controls (Unicode's Bidi_Control property).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_REFUSED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(BIDI_CONTROLS)) + "]"
)
_ASCII_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), less the bidi controls,
#: which are refused rather than removed.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F),
    (0x200B, 0x200D), (0x2060, 0x2065), (0x206A, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)  # fmt: skip


@cache
def _strip_table() -> dict[int, None]:
    return {c: None for lo, hi in _IGNORABLE_RANGES for c in range(lo, hi + 1)}


@cache
def _dash_table() -> dict[int, str]:
    """Every Unicode dash (general category Pd, read from Python's Unicode database) and the minus sign → '-'."""
    planes = list(range(0x0080, 0x20000))
    table = {c: "-" for c in planes if unicodedata.category(chr(c)) == "Pd"}
    table[0x2212] = "-"  # MINUS SIGN (category Sm): typed for a hyphen by word processors
    return table


@cache
def _lookalikes() -> dict[int, str]:
    """Non-ASCII characters that UTS #39's confusables table maps to one ASCII letter or digit."""
    from confusable_homoglyphs.confusables import confusables_data

    out: dict[int, str] = {}
    for char, homoglyphs in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        ascii_ = [h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalnum()]
        if ascii_:
            out[ord(char)] = ascii_[0]
    return out


def problem(value: str) -> str | None:
    """Why `value` cannot be accepted (a control, bidi or surrogate character, named), or None."""
    found = (_ASCII_REFUSED if value.isascii() else _REFUSED).search(value)
    if found is None:
        return None
    ch = found.group()
    name = unicodedata.name(ch, "a control character" if ch not in BIDI_CONTROLS and not 0xD800 <= ord(ch) <= 0xDFFF else "a lone surrogate")
    kind = "a bidirectional control that reorders the text as shown" if ch in BIDI_CONTROLS else "an invisible control character"
    return f"contains U+{ord(ch):04X} ({name}), {kind}; retype the value without it"


def clean(value: str) -> str:
    """NFKC, default-ignorable characters removed (call `problem` first to refuse the rest)."""
    if value.isascii():
        return value
    return unicodedata.normalize("NFKC", value).translate(_strip_table())


def fold_dashes(value: str) -> str:
    """Every Unicode dash as '-', after NFKC (so full-width digits and dashes are plain too)."""
    if value.isascii():
        return value
    return unicodedata.normalize("NFKC", value).translate(_dash_table())


def _spaces(value: str) -> str:
    return " ".join(value.split())


def mixed_lookalike(value: str) -> str | None:
    """The first character of `value` that looks like a Latin letter but is not one, when the value also has Latin letters."""
    if value.isascii():
        return None
    has_latin = any("a" <= c.lower() <= "z" for c in value)
    if not has_latin:
        return None
    table = _lookalikes()
    for c in value:
        if ord(c) in table and unicodedata.category(c).startswith("L") and not unicodedata.name(c, "").startswith("LATIN"):
            return c
    return None


def identifier(value: str) -> tuple[str, str | None]:
    """An id as stored (clean, dashes folded, spaces collapsed) and why it is refused, if it is."""
    why = problem(value)
    if why:
        return value, why
    out = _spaces(fold_dashes(clean(value)))
    c = mixed_lookalike(out)
    if c is not None:
        latin = _lookalikes()[ord(c)]
        return out, (
            f"mixes scripts: {c!r} is {unicodedata.name(c, 'a non-Latin letter')}, a look-alike of Latin {latin!r}; "
            "retype the id in Latin letters"
        )
    return out, None


def token(value: str) -> str:
    """A word people type as the machine name it stands for: 'In Person', 'in-person' → 'in_person'.

    Lower case, no surrounding spaces, each run of spaces and dashes one underscore: how a closed
    vocabulary typed into a sheet (an inventory's modality, populations and supports) and a rating
    sheet's headers are matched, so one spelling rule serves both.
    """
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def identity(value: str | None) -> str:
    """The key two spellings of one person or organisation share (case, spaces, invisible and look-alike characters aside)."""
    if not value:
        return ""
    text = "".join(fold_dashes(clean(str(value))).split()).casefold()
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text.translate(_lookalikes())).casefold()
