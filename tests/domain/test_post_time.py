"""Post times from legacy feeds become ISO 8601; everything else is kept as given."""

from __future__ import annotations

import pytest

from annotator.domain.post_time import iso_time


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Wed Oct 10 20:19:24 +0000 2018", "2018-10-10T20:19:24+00:00"),  # Twitter API v1
        ("Tue, 12 Mar 2019 17:02:54 -0500", "2019-03-12T17:02:54-05:00"),  # RFC 2822
        ("2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z"),  # ISO stays byte for byte
        ("2020-02-14", "2020-02-14"),
        ("1612345678", "1612345678"),  # epoch seconds: not guessed at
        ("Sunday lunchtime", "Sunday lunchtime"),
        ("Sun May 02 12:30:00 -0000 2021", "Sun May 02 12:30:00 -0000 2021"),  # zone unknown
        ("", ""),
        (None, None),
    ],
)
def test_legacy_times_become_iso_and_the_rest_stays(given: str | None, stored: str | None) -> None:
    assert iso_time(given) == stored


def test_the_machines_locale_does_not_matter() -> None:
    import locale

    before = locale.setlocale(locale.LC_TIME)
    for name in ("de_DE.UTF-8", "fr_FR.UTF-8"):
        try:
            locale.setlocale(locale.LC_TIME, name)
        except locale.Error:
            continue
        try:
            assert iso_time("Wed Oct 10 20:19:24 +0000 2018") == "2018-10-10T20:19:24+00:00"
        finally:
            locale.setlocale(locale.LC_TIME, before)
