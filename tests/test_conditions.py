"""Conditions decide at each run whether a check runs, and say why not."""

from __future__ import annotations

import pytest

from allgreen.conditions import skip_reason
from allgreen.dsl import CheckSpec
from allgreen.errors import ConditionError


def spec(**options) -> CheckSpec:
    return CheckSpec(
        id="x", description="x", func=lambda: None, path="allgood.py", lineno=1, **options
    )


@pytest.mark.parametrize(
    ("options", "environment", "reason"),
    [
        ({}, "development", None),
        ({"only": ("production", "staging")}, "development", "only runs in production, staging"),
        ({"only": ("production",)}, "production", None),
        ({"except_": ("development",)}, "development", "does not run in development"),
        ({"except_": ("development",)}, "production", None),
        ({"if_": False}, "development", "if_ condition is false"),
        ({"if_": lambda: 1}, "development", None),
        ({"unless": True}, "development", "unless condition is true"),
        ({"unless": lambda: None}, "development", None),
    ],
)
def test_skip_reason(options, environment, reason):
    assert skip_reason(spec(**options), environment) == reason


def test_callable_condition__is_evaluated_at_each_run():
    flag = {"on": False}
    check = spec(if_=lambda: flag["on"])
    assert skip_reason(check, "development") == "if_ condition is false"
    flag["on"] = True
    assert skip_reason(check, "development") is None


def test_raising_condition__is_a_condition_error_naming_the_check():
    with pytest.raises(ConditionError) as info:
        skip_reason(spec(unless=lambda: 1 / 0), "development")
    assert (
        str(info.value)
        == "the unless= condition of check 'x' raised ZeroDivisionError: division by zero"
    )
