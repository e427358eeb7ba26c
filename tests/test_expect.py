"""Matchers pass silently and fail with pytest's own explanation."""

from __future__ import annotations

import re

import pytest

from allgreen import expect, make_sure
from allgreen.engine import run_config
from allgreen.loader import load_config

PASSING = [
    lambda: expect(1).to_eq(1),
    lambda: expect(1).not_to_eq(2),
    lambda: expect(3).to_be_greater_than(2),
    lambda: expect(3).to_be_greater_than_or_equal(3),
    lambda: expect(2).to_be_less_than(3),
    lambda: expect(3).to_be_less_than_or_equal(3),
    lambda: expect(5).to_be_between(1, 5),
    lambda: expect([1, 2]).to_contain(2),
    lambda: expect("abc").not_to_contain("z"),
    lambda: expect("v1.2.3").to_match(r"\d+\.\d+"),
    lambda: expect("v1.2.3").to_match(re.compile("^v")),
    lambda: expect(None).to_be_none(),
    lambda: expect(0).not_to_be_none(),
    lambda: expect([0]).to_be_truthy(),
    lambda: expect("").to_be_falsy(),
    lambda: expect(1).to_be_instance_of(int),
    lambda: expect(1).to_be_greater_than(0).to_be_less_than(2),
]

FAILING = [
    (lambda: expect(1).to_eq(2), "assert 1 == 2"),
    (lambda: expect(1).not_to_eq(1), "assert 1 != 1"),
    (lambda: expect(1).to_be_greater_than(2), "assert 1 > 2"),
    (lambda: expect(1).to_be_greater_than_or_equal(2), "assert 1 >= 2"),
    (lambda: expect(3).to_be_less_than(2), "assert 3 < 2"),
    (lambda: expect(3).to_be_less_than_or_equal(2), "assert 3 <= 2"),
    (lambda: expect(9).to_be_between(1, 5), "assert 9 <= 5"),
    (lambda: expect([1]).to_contain(2), "assert 2 in [1]"),
    (lambda: expect("abc").not_to_contain("b"), "assert 'b' not in 'abc'"),
    (lambda: expect("abc").to_match(r"\d"), "'abc' does not match /\\d/"),
    (lambda: expect(1).to_be_none(), "assert 1 is None"),
    (lambda: expect(None).not_to_be_none(), "assert None is not None"),
    (lambda: expect(0).to_be_truthy(), "expected a truthy value, got 0"),
    (lambda: expect(1).to_be_falsy(), "expected a falsy value, got 1"),
    (lambda: expect("1").to_be_instance_of(int), "expected an instance of <class 'int'>, got str"),
    (lambda: expect(1).to_eq(2, message="the answer moved"), "the answer moved"),
    (lambda: make_sure(False, "disk is full"), "disk is full"),
    (lambda: make_sure(0), "make_sure failed: 0 is falsy"),
]


@pytest.mark.parametrize("matcher", PASSING)
def test_matcher__passes_silently(matcher):
    matcher()


@pytest.mark.parametrize(("matcher", "text"), FAILING)
def test_matcher__fails_with_an_explanation(matcher, text):
    with pytest.raises(AssertionError) as info:
        matcher()
    assert text in str(info.value)


def test_to_eq__reports_pytests_dict_diff_outside_pytest(tmp_path):
    path = tmp_path / "allgood.py"
    path.write_text(
        "from allgreen import check, expect\n"
        "@check('dicts')\ndef dicts():\n    expect({'a': 1, 'b': 2}).to_eq({'a': 2, 'b': 2})\n"
    )
    result = run_config(load_config(path)).checks[0]
    assert result.status == "failed"
    assert result.message == "assert {'a': 1, 'b': 2} == {'a': 2, 'b': 2}"
    assert "Differing items:" in result.detail
    assert "{'a': 1} != {'a': 2}" in result.detail
    # The matcher's own frame is hidden: the traceback shows the check's line only.
    assert "allgreen/expect.py" not in result.detail
    assert ">       expect({'a': 1, 'b': 2}).to_eq({'a': 2, 'b': 2})" in result.detail
