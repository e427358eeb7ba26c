"""The run= parser and UTC calendar windows."""

from __future__ import annotations

import datetime as dt

import pytest

from allgreen.errors import ConfigError
from allgreen.loader import load_config
from allgreen.ratelimit import ACCEPTED_FORMS, RateLimit, parse_rate

UTC = dt.timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 times per day", RateLimit(2, "day")),
        ("1 time per hour", RateLimit(1, "hour")),
        ("once per week", RateLimit(1, "week")),
        ("twice per minute", RateLimit(2, "minute")),
        ("1000 times per minute", RateLimit(1000, "minute")),
        ("12 times per hour", RateLimit(12, "hour")),
        ("Once per Day", RateLimit(1, "day")),
        ("  3 times per week ", RateLimit(3, "week")),
    ],
)
def test_parse_rate__accepts_the_documented_forms(text: str, expected: RateLimit) -> None:
    assert parse_rate(text) == expected


MALFORMED = [
    "",
    " ",
    "-1 times per day",
    "0 times per hour",
    "0 time per hour",
    "1001 times per minute",
    "3 times per fortnight",
    "2 times per month",
    "2 times per year",
    "2 times per second",
    "2 times a day",
    "2 per day",
    "2 times per 2 days",
    "2 times per days",
    "2 times day",
    "times per day",
    "2 time per day",
    "1 times per hour",
    "02 times per day",
    "2.5 times per day",
    "1e3 times per day",
    "two times per day",
    "thrice per day",
    "once",
    "per day",
    "daily",
    "hourly",
    "2x per day",
    "2 times per day!",
    "2 times per day; rm -rf /",
    "2 times per day, 3 times per week",
    "2\ttimes per day",
    "2 times per\nday",
    "once per",
    "twice per hour please",
    "+2 times per day",
    "\uff12 times per day",  # a full-width digit
]


@pytest.mark.parametrize("text", MALFORMED)
def test_parse_rate__rejects_everything_else_naming_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_rate(text)
    assert ACCEPTED_FORMS in str(excinfo.value)


@pytest.mark.parametrize("value", [2, 2.0, None, ["2 times per day"], b"2 times per day", True])
def test_parse_rate__rejects_non_strings(value: object) -> None:
    with pytest.raises(ValueError, match="write the rate as a string"):
        parse_rate(value)


@pytest.mark.parametrize("text", [*MALFORMED, "3 times per fortnight"])
def test_check__a_malformed_run_is_a_config_error_with_file_and_line(allgood, text: str) -> None:
    path = allgood(
        f"""
        from allgreen import check

        @check("fine")
        def fine():
            pass

        @check("expensive", run={text!r})
        def expensive():
            pass
        """
    )
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    error = excinfo.value
    assert (error.path, error.lineno) == (str(path), 7)
    assert str(error).startswith(f"{path}:7: ")
    assert f"run={text!r}" in str(error)
    assert ACCEPTED_FORMS in str(error)


def test_check__a_non_string_run_is_a_config_error(allgood) -> None:
    path = allgood("from allgreen import check\n\n@check('x', run=2)\ndef x():\n    pass\n")
    with pytest.raises(ConfigError, match=r"allgood\.py:3: .*run=2 is not valid"):
        load_config(path)


def test_check__a_valid_run_is_parsed_onto_the_spec(allgood) -> None:
    path = allgood(
        "from allgreen import check\n\n@check('x', run='twice per hour')\ndef x():\n    pass\n"
    )
    spec = load_config(path).checks[0]
    assert spec.run == "twice per hour"
    assert spec.rate_limit == RateLimit(2, "hour")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("period", "moment", "start", "end"),
    [
        ("minute", "2024-03-10 10:15:59.999", "2024-03-10 10:15", "2024-03-10 10:16"),
        ("hour", "2024-03-10 10:59:59", "2024-03-10 10:00", "2024-03-10 11:00"),
        ("day", "2024-03-10 23:59:59", "2024-03-10 00:00", "2024-03-11 00:00"),
        # 2024-03-10 is a Sunday: its week began on Monday the 4th.
        ("week", "2024-03-10 23:59:59", "2024-03-04 00:00", "2024-03-11 00:00"),
        ("week", "2024-03-11 00:00:00", "2024-03-11 00:00", "2024-03-18 00:00"),
        # Across a year: 2024-12-31 is a Tuesday in the week of Monday 2024-12-30.
        ("day", "2024-12-31 23:59:59", "2024-12-31 00:00", "2025-01-01 00:00"),
        ("week", "2025-01-01 12:00", "2024-12-30 00:00", "2025-01-06 00:00"),
        ("minute", "2024-12-31 23:59:30", "2024-12-31 23:59", "2025-01-01 00:00"),
        # Leap day.
        ("day", "2024-02-29 06:00", "2024-02-29 00:00", "2024-03-01 00:00"),
    ],
)
def test_window__is_the_utc_calendar_period(period, moment, start, end) -> None:
    assert RateLimit(1, period).window(at(moment)) == (at(start), at(end))


def test_window__converts_other_timezones_to_utc() -> None:
    paris = dt.timezone(dt.timedelta(hours=1))
    # 00:30 in Paris on the 11th is 23:30 UTC on the 10th: still the 10th's day.
    moment = dt.datetime(2024, 3, 11, 0, 30, tzinfo=paris)
    assert RateLimit(1, "day").window(moment) == (at("2024-03-10 00:00"), at("2024-03-11 00:00"))


def test_str__round_trips_through_the_parser() -> None:
    for limit in (RateLimit(1, "hour"), RateLimit(5, "week")):
        assert parse_rate(str(limit)) == limit
