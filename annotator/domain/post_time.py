"""Post times as ISO 8601, so they sort, chart and compare the same way whatever the source.

Most sources give ISO times already (Twitter API v2, ad-library exports, spreadsheets). The
legacy Twitter API and e-mail style feeds write "Wed Oct 10 20:19:24 +0000 2018" or
"Wed, 10 Oct 2018 20:19:24 +0000", which sort as text by weekday name. The standard
library's RFC 2822 parser reads both, without depending on the machine's locale (Qt sets
it from the user's environment, which would break ``strptime``'s ``%a %b``).

Scrapers and spreadsheets write "02/03/2025 17:48:52" in their locale's order; the order
is decided once for a whole column (``DateOrderEvidence``, ``decide_date_order``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from annotator.domain.errors import UserError


def iso_time(value: str | None) -> str | None:
    """``value`` as ISO 8601 when it is a weekday-first date with a time zone; anything
    else (ISO already, epoch seconds, free text) as given, never dropped."""
    if not value or not value[:1].isalpha():
        return value
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return value
    if moment.tzinfo is None:  # "-0000" in RFC 2822: a time of unknown zone, keep it
        return value
    return moment.isoformat()


# Times written with the day and month as numbers ("02/03/2025 17:48:52", "2.3.2025",
# "3/2/2025 5:48 PM") say nothing about which field is the day: only the whole column
# does, when some value has a field over 12. pandas and dateutil decide per value (dateutil
# swaps day and month whenever one is over 12; ``to_datetime`` guesses from the first value
# and warns), which silently mixes the two orders in one column, so the fields are read
# here and the order is chosen once per column. The fields are then built into a datetime
# directly: ``strptime``'s ``%p`` depends on the locale, which Qt sets from the user's.
_NUMERIC_TIME = re.compile(
    r"^\s*(?P<first>\d{1,2})(?P<sep>[/.\-])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4})"
    r"(?:(?:,?\s+|T)(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second_of_minute>\d{2})(?:[.,](?P<fraction>\d{1,6}))?)?"
    r"\s*(?P<half>[AaPp]\.?[Mm]\.?)?)?\s*$"
)

DAY_FIRST = "day/month"
MONTH_FIRST = "month/day"


def numeric_date_fields(value: str | None) -> tuple[int, int] | None:
    """The first two fields of a numeric date ("02/03/2025 17:48" -> (2, 3)); None for
    any other value (ISO, RFC 2822, free text)."""
    found = _NUMERIC_TIME.match(value) if value else None
    if found is None:
        return None
    return int(found["first"]), int(found["second"])


def numeric_time_iso(value: str, *, day_first: bool) -> str | None:
    """A numeric date read in the given order, as ISO 8601 ("2025-03-02T17:48:52"); None
    when it is not a real date or time that way round (31/02, 25:00)."""
    found = _NUMERIC_TIME.match(value)
    if found is None:
        return None
    first, second = int(found["first"]), int(found["second"])
    day, month = (first, second) if day_first else (second, first)
    try:
        if found["hour"] is None:
            return date(int(found["year"]), month, day).isoformat()
        hour = int(found["hour"])
        if found["half"]:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if found["half"][0] in "Pp" else 0)
        moment = datetime(
            int(found["year"]),
            month,
            day,
            hour,
            int(found["minute"]),
            int(found["second_of_minute"] or 0),
            int((found["fraction"] or "0").ljust(6, "0")),
        )
    except ValueError:
        return None
    return moment.isoformat()


@dataclass
class DateOrderEvidence:
    """What one column's numeric dates say about their order, gathered row by row.

    A value whose first field is over 12 shows day/month; one whose second field is
    over 12 shows month/day. The first such row of each kind is kept to name it.
    """

    column: str
    example: str | None = None
    day_first_at: tuple[int, str] | None = None
    month_first_at: tuple[int, str] | None = None

    def observe(self, row: int, value: str | None) -> None:
        fields = numeric_date_fields(value)
        if fields is None or value is None:
            return
        value = value.strip()
        if self.example is None:
            self.example = value
        first, second = fields
        if first > 12 >= second and self.day_first_at is None:
            self.day_first_at = (row, value)
        elif second > 12 >= first and self.month_first_at is None:
            self.month_first_at = (row, value)


@dataclass(frozen=True)
class DateOrder:
    """How a column's numeric dates are read: ``day_first`` None keeps them as text;
    ``note`` says what was assumed or found, for the import summary."""

    day_first: bool | None
    note: str | None


def decide_date_order(
    evidence: DateOrderEvidence, *, stated: bool | None, file: str | None = None
) -> DateOrder:
    """Choose the order for a whole column: what the person stated, else what the column
    shows, else day/month (the order of most of the world's scrapers), said in the note.

    Raises UserError when the stated order is impossible for a value in the column.
    """
    if evidence.example is None:
        return DateOrder(None, None)
    day_at, month_at = evidence.day_first_at, evidence.month_first_at
    if stated is not None:
        against = month_at if stated else day_at
        if against is not None:
            row, value = against
            order, flag = (DAY_FIRST, "--dayfirst") if stated else (MONTH_FIRST, "--monthfirst")
            raise UserError(
                f"the time {value!r} cannot be read as {order}; import without {flag}",
                file=file,
                row=row,
                column=evidence.column,
            )
        flag = "--dayfirst" if stated else "--monthfirst"
        return DateOrder(
            stated, f"Times like {evidence.example} read as {_order(stated)} ({flag})."
        )
    if day_at is not None and month_at is not None:
        return DateOrder(
            None,
            f"Times in {evidence.column!r} kept as text: {day_at[1]} (row {day_at[0]}) is "
            f"{DAY_FIRST} but {month_at[1]} (row {month_at[0]}) is {MONTH_FIRST}.",
        )
    decided = day_at or month_at
    if decided is not None:
        day_first = decided is day_at
        return DateOrder(
            day_first,
            f"Times like {evidence.example} read as {_order(day_first)} "
            f"({decided[1]} on row {decided[0]} decided).",
        )
    return DateOrder(
        True,
        f"Times like {evidence.example} read as {DAY_FIRST} (nothing in the column decided; "
        "use --dayfirst/--monthfirst).",
    )


def _order(day_first: bool) -> str:
    return DAY_FIRST if day_first else MONTH_FIRST
