"""Decide at each run whether a check runs: ``only``, ``except_``, ``if_``, ``unless``."""

from __future__ import annotations

from allgreen.dsl import CheckSpec, Condition
from allgreen.errors import ConditionError


def _truth(condition: Condition, option: str, spec: CheckSpec) -> bool:
    if callable(condition):
        try:
            return bool(condition())
        except Exception as exc:
            raise ConditionError(
                f"the {option}= condition of check {spec.id!r} raised {type(exc).__name__}: {exc}"
            ) from exc
    return bool(condition)


def skip_reason(spec: CheckSpec, environment: str) -> str | None:
    """Return why ``spec`` does not run now, or ``None`` when it runs.

    :raises ConditionError: when an ``if_``/``unless`` callable raises; the
        check is then reported as an error.
    """
    if spec.only is not None and environment not in spec.only:
        return f"only runs in {', '.join(spec.only)}"
    if spec.except_ is not None and environment in spec.except_:
        return f"does not run in {environment}"
    if spec.if_ is not None and not _truth(spec.if_, "if_", spec):
        return "if_ condition is false"
    if spec.unless is not None and _truth(spec.unless, "unless", spec):
        return "unless condition is true"
    return None
