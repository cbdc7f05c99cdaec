"""Post times as ISO 8601, so they sort, chart and compare the same way whatever the source.

Most sources give ISO times already (Twitter API v2, ad-library exports, spreadsheets). The
legacy Twitter API and e-mail style feeds write "Wed Oct 10 20:19:24 +0000 2018" or
"Wed, 10 Oct 2018 20:19:24 +0000", which sort as text by weekday name. The standard
library's RFC 2822 parser reads both, without depending on the machine's locale (Qt sets
it from the user's environment, which would break ``strptime``'s ``%a %b``).
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime


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
