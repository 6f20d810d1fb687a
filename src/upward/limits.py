"""The size limits on what a person or a client sends, in one place (docs/security.md lists each).

Why: the cost of resolving a name grows with its length (fuzzy suggestions compare it with every
area or occupation title), so one 60,000-character URL used to hold a CPU for seconds and, with
a few such clients, stalled every other request. Every text input is bounded before any work is
done on it, and the answer to oversize input is immediate: 414 for a URL, 422 for a parameter,
a clear error in the CLI.
"""

from __future__ import annotations

from upward.errors import UpwardError

#: An area or occupation as typed (the longest OEWS area name is 72 characters, the longest SOC or
#: O*NET alternate title under 150).
NAME_CHARS = 200
#: A request's path and query string, in bytes as sent (percent-encoded).
URL_BYTES = 4096
#: One query parameter's value, decoded.
PARAM_CHARS = 200
#: Query parameters in one request.
PARAMS = 64
#: Areas compared side by side (API, pages and CLI).
COMPARE_AREAS = 20
#: Participants plus workers a server regenerates to check an uploaded SYNTHETIC.json (~30 MB of CSV, ~2 s).
SYNTH_CHECK_PEOPLE = 200_000


class TooLongError(UpwardError):
    """A text input over its limit; the API answers 422 (a whole URL over URL_BYTES: 414)."""

    status = 422
    exit_code = 2


def bounded(text: str, what: str, limit: int = NAME_CHARS) -> str:
    """`text` unchanged when it is at most `limit` characters; else TooLongError naming the input and the limit."""
    if len(text) > limit:
        raise TooLongError(
            f"{what} is {len(text):,} characters long; Upward accepts at most {limit:,}.",
            hint="Use a code or a shorter part of the name (e.g. 29-1141 or 'registered nurses', 0026420 or 'houston').",
        )
    return text


def at_most(items: list, limit: int, what: str) -> list:
    """`items` unchanged when there are at most `limit`; else TooLongError."""
    if len(items) > limit:
        raise TooLongError(f"{len(items)} {what} were given; Upward compares at most {limit} at once.", hint="Ask for fewer at a time.")
    return items
