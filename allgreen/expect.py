"""``expect(actual).to_...`` matchers.

Every matcher is a plain ``assert`` on two local names. allgreen loads this
module through pytest's assertion rewriter (see :mod:`allgreen.rewrite`), so
a failing matcher prints exactly the value diff pytest prints for a failing
test, and ``__tracebackhide__`` keeps these frames out of the traceback.
"""

from __future__ import annotations

import re
from typing import Any


class Expectation:
    """The value under test; call one of its matchers."""

    __slots__ = ("actual",)

    def __init__(self, actual: Any) -> None:
        self.actual = actual

    def __repr__(self) -> str:
        return f"expect({self.actual!r})"

    def to_eq(self, expected: Any, message: str | None = None) -> Expectation:
        """Expect ``actual == expected``."""
        __tracebackhide__ = True
        actual = self.actual
        if message is None:
            assert actual == expected
        else:
            assert actual == expected, message
        return self

    def not_to_eq(self, expected: Any, message: str | None = None) -> Expectation:
        """Expect ``actual != expected``."""
        __tracebackhide__ = True
        actual = self.actual
        if message is None:
            assert actual != expected
        else:
            assert actual != expected, message
        return self

    def to_be_greater_than(self, bound: Any, message: str | None = None) -> Expectation:
        """Expect ``actual > bound``."""
        __tracebackhide__ = True
        actual = self.actual
        if message is None:
            assert actual > bound
        else:
            assert actual > bound, message
        return self

    def to_be_greater_than_or_equal(self, bound: Any, message: str | None = None) -> Expectation:
        """Expect ``actual >= bound``."""
        __tracebackhide__ = True
        actual = self.actual
        if message is None:
            assert actual >= bound
        else:
            assert actual >= bound, message
        return self

    def to_be_less_than(self, bound: Any, message: str | None = None) -> Expectation:
        """Expect ``actual < bound``."""
        __tracebackhide__ = True
        actual = self.actual
        if message is None:
            assert actual < bound
        else:
            assert actual < bound, message
        return self

    def to_be_less_than_or_equal(self, bound: Any, message: str | None = None) -> Expectation:
        """Expect ``actual <= bound``."""
        __tracebackhide__ = True
        actual = self.actual
        if message is None:
            assert actual <= bound
        else:
            assert actual <= bound, message
        return self

    def to_be_between(self, low: Any, high: Any, message: str | None = None) -> Expectation:
        """Expect ``low <= actual <= high``."""
        __tracebackhide__ = True
        actual = self.actual
        if message is None:
            assert low <= actual <= high
        else:
            assert low <= actual <= high, message
        return self

    def to_contain(self, item: Any, message: str | None = None) -> Expectation:
        """Expect ``item in actual``."""
        __tracebackhide__ = True
        actual = self.actual
        if message is None:
            assert item in actual
        else:
            assert item in actual, message
        return self

    def not_to_contain(self, item: Any, message: str | None = None) -> Expectation:
        """Expect ``item not in actual``."""
        __tracebackhide__ = True
        actual = self.actual
        if message is None:
            assert item not in actual
        else:
            assert item not in actual, message
        return self

    def to_match(self, pattern: str | re.Pattern[str], message: str | None = None) -> Expectation:
        """Expect ``re.search(pattern, actual)`` to find a match."""
        __tracebackhide__ = True
        actual = self.actual
        matches = isinstance(actual, str) and re.search(pattern, actual) is not None
        shown = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
        assert matches, message or f"{actual!r} does not match /{shown}/"
        return self

    def to_be_none(self, message: str | None = None) -> Expectation:
        """Expect ``actual is None``."""
        __tracebackhide__ = True
        actual = self.actual
        if message is None:
            assert actual is None
        else:
            assert actual is None, message
        return self

    def not_to_be_none(self, message: str | None = None) -> Expectation:
        """Expect ``actual is not None``."""
        __tracebackhide__ = True
        actual = self.actual
        if message is None:
            assert actual is not None
        else:
            assert actual is not None, message
        return self

    def to_be_truthy(self, message: str | None = None) -> Expectation:
        """Expect ``bool(actual)`` to be true."""
        __tracebackhide__ = True
        actual = self.actual
        assert actual, message or f"expected a truthy value, got {actual!r}"
        return self

    def to_be_falsy(self, message: str | None = None) -> Expectation:
        """Expect ``bool(actual)`` to be false."""
        __tracebackhide__ = True
        actual = self.actual
        assert not actual, message or f"expected a falsy value, got {actual!r}"
        return self

    def to_be_instance_of(
        self, kind: type | tuple[type, ...], message: str | None = None
    ) -> Expectation:
        """Expect ``isinstance(actual, kind)``."""
        __tracebackhide__ = True
        actual = self.actual
        ok = isinstance(actual, kind)
        assert ok, message or f"expected an instance of {kind!r}, got {type(actual).__name__}"
        return self


def expect(actual: Any) -> Expectation:
    """Start an expectation on ``actual``: ``expect(x).to_eq(1)``."""
    return Expectation(actual)
