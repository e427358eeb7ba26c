"""Rate limits such as ``run="2 times per day"``: a strict parser and UTC calendar windows.

A limit of N per period means at most N runs inside each calendar period in
UTC: a minute, an hour, a day starting at midnight, a week starting on
Monday at midnight. The parser accepts only the documented forms; anything
else is an error listing them, so a typo never silently disables a limit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Period = Literal["minute", "hour", "day", "week"]
PERIODS: tuple[Period, ...] = ("minute", "hour", "day", "week")

#: Smallest and largest N in "N times per ...".
MIN_TIMES = 1
MAX_TIMES = 1000

#: The accepted forms, quoted in every error message.
ACCEPTED_FORMS = (
    "'N times per minute|hour|day|week' with N from 1 to 1000 (e.g. '2 times per day'), "
    "'1 time per hour', 'once per day' or 'twice per week'"
)
NOT_A_STRING = "write the rate as a string; the accepted forms are " + ACCEPTED_FORMS
UNRECOGNISED = "{text!r} is not a rate; the accepted forms are " + ACCEPTED_FORMS
OUT_OF_RANGE = "{times} runs per {period} is out of range; the accepted forms are " + ACCEPTED_FORMS

_RATE = re.compile(
    r"^ *(?:(?P<times>[0-9]+) +(?P<unit>times?)|(?P<word>once|twice))"
    r" +per +(?P<period>minute|hour|day|week) *$",
    re.IGNORECASE,
)
_WORDS = {"once": 1, "twice": 2}
_UTC = dt.timezone.utc


@dataclass(frozen=True)
class RateLimit:
    """At most ``times`` runs in each calendar ``period`` (UTC)."""

    times: int
    period: Period

    def window(self, moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """Return the start (inclusive) and end (exclusive) of the period holding ``moment``.

        :param moment: an aware datetime; a naive one is taken as UTC.
        """
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=_UTC)
        moment = moment.astimezone(_UTC)
        if self.period == "minute":
            start = moment.replace(second=0, microsecond=0)
            return start, start + dt.timedelta(minutes=1)
        if self.period == "hour":
            start = moment.replace(minute=0, second=0, microsecond=0)
            return start, start + dt.timedelta(hours=1)
        day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.period == "day":
            return day, day + dt.timedelta(days=1)
        start = day - dt.timedelta(days=day.weekday())  # ISO weeks start on Monday
        return start, start + dt.timedelta(weeks=1)

    def __str__(self) -> str:
        unit = "time" if self.times == 1 else "times"
        return f"{self.times} {unit} per {self.period}"


def parse_rate(text: object) -> RateLimit:
    """Parse a rate such as ``"2 times per day"``, ``"once per week"`` or ``"twice per hour"``.

    :raises ValueError: with a message listing the accepted forms.
    """
    if not isinstance(text, str):
        raise ValueError(NOT_A_STRING)
    match = _RATE.match(text)
    if match is None:
        raise ValueError(UNRECOGNISED.format(text=text))
    period: Period = match["period"].lower()  # type: ignore[assignment]
    if match["word"]:
        return RateLimit(_WORDS[match["word"].lower()], period)
    digits, unit = match["times"], match["unit"].lower()
    times = int(digits)
    if digits != str(times) or (unit == "time") != (times == 1):
        # "02 times" and "2 time" are typos, not rates.
        raise ValueError(UNRECOGNISED.format(text=text))
    if not MIN_TIMES <= times <= MAX_TIMES:
        raise ValueError(OUT_OF_RANGE.format(times=times, period=period))
    return RateLimit(times, period)
