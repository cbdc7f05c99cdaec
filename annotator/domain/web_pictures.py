"""Fetching pictures from the web: the project switch's words, said once for the dialog,
the command line and the README, and the limits every fetch keeps."""

from __future__ import annotations

#: What the lead reads wherever the switch is (Project > Fetch pictures from the web…,
#: ``annotator fetch-media --help`` and ``--enable``, the README).
FETCH_PRIVACY = (
    "Fetching a platform's URL tells the platform who is looking: it sees this computer's "
    "address and when each picture was asked for, and it may log which posts the project "
    "holds. Pictures already stored in the project are never fetched again."
)
#: The switch's name as menus and messages say it.
FETCH_SWITCH = "Fetch pictures from the web"

#: Requests per second to one host (each platform's CDN is one host), and the burst a
#: host may get after a pause: polite to the platform, and far under its throttles.
PER_HOST_RATE = 2.0
PER_HOST_BURST = 2
#: Seconds to wait for a connection, and for each read of the answer.
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 10.0
#: Seconds one picture may take from request to last byte (a server dripping a byte a
#: second never trips the read timeout).
TOTAL_TIMEOUT_S = 60.0
#: Redirects followed per picture (CDNs use one or two).
MAX_REDIRECTS = 5
#: The longest "Retry-After" honoured on 429 and 503; a site asking for longer fails the
#: picture for now (fetching again retries it).
MAX_RETRY_AFTER_S = 30.0
#: Attempts after a 429 or 503 before the picture counts as failed.
MAX_RETRIES = 2


def fetching_off_sentence(project: str) -> str:
    """The refusal when the switch is off (a sentence, never a traceback)."""
    return (
        f"{project}: fetching pictures from the web is off for this project; the lead turns "
        f"it on with 'annotator fetch-media {project} --enable' or Project > "
        f"{FETCH_SWITCH}…. {FETCH_PRIVACY}"
    )
