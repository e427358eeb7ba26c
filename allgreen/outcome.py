"""What running one check produced, and how an exception becomes that."""

from __future__ import annotations

import asyncio
import io
import os
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from _pytest._code import ExceptionInfo
from _pytest._code.code import TerminalRepr, Traceback
from _pytest._io import TerminalWriter
from _pytest.outcomes import Failed, Skipped

from allgreen.dsl import CheckSpec
from allgreen.errors import AllgreenError
from allgreen.observation import Observation, start_observation
from allgreen.rewrite import install_comparison_explainer

Status = Literal["passed", "failed", "error", "skipped"]
STATUSES: tuple[Status, ...] = ("passed", "failed", "error", "skipped")


@dataclass
class CheckOutcome:
    """The result of one execution of one check."""

    status: Status
    duration: float = 0.0
    message: str | None = None
    #: pytest's failure text: traceback and assertion introspection.
    detail: str | None = None
    skip_reason: str | None = None
    observed_value: Any = None
    observed_unit: str | None = None
    #: pytest's own representation, for pytest to print in colour (in-process only).
    longrepr: Any = field(default=None, repr=False, compare=False)


# Frames from these directories are libraries (and allgreen itself): not the user's code.
_LIBRARY_DIRS = tuple(
    {
        str(Path(p).resolve()) + os.sep
        for key in ("stdlib", "platstdlib", "purelib", "platlib")
        if (p := sysconfig.get_paths().get(key))
    }
    | {str(Path(__file__).resolve().parent) + os.sep}
)


def _user_frames(excinfo: ExceptionInfo[BaseException]) -> Traceback:
    """Keep the user's own frames and the frame that raised, shortened.

    Rendering every frame of a deep library (a database driver) in pytest's long
    style parses each of its source files and costs seconds; the user's frames and
    the raising line are what a reader needs.
    """
    entries = list(excinfo.traceback.filter(excinfo))
    if not entries:
        return Traceback(entries)
    kept = [entry for entry in entries if not str(entry.path).startswith(_LIBRARY_DIRS)]
    last = entries[-1]
    if not kept or kept[-1] is not last:
        kept.append(last.with_repr_style("short"))
    return Traceback(kept)


def _render(longrepr: TerminalRepr) -> str:
    """Return pytest's failure text, keeping the first line's indentation (``str()`` strips it)."""
    buffer = io.StringIO()
    longrepr.toterminal(TerminalWriter(file=buffer))
    return buffer.getvalue().strip("\n")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def outcome_from_exception(
    exc: BaseException, spec: CheckSpec, duration: float, *, style: str = "long"
) -> CheckOutcome:
    """Classify ``exc`` raised by ``spec`` and render it the way pytest would."""
    if isinstance(exc, Skipped):
        return CheckOutcome("skipped", duration, skip_reason=exc.msg or "skipped")
    failed = isinstance(exc, AssertionError | Failed)
    excinfo = ExceptionInfo.from_exception(exc)
    code = spec.func.__code__
    # Start the traceback at the check itself, as pytest does for a test function.
    cut = excinfo.traceback.cut(path=code.co_filename, firstlineno=code.co_firstlineno - 1)
    if cut:
        excinfo.traceback = cut
    longrepr = excinfo.getrepr(style=style, tbfilter=_user_frames)  # type: ignore[arg-type]
    if failed:
        text = str(exc) if not isinstance(exc, Failed) else (exc.msg or "")
        message = _first_line(text) or "assertion failed"
    elif isinstance(exc, AllgreenError) and str(exc):
        # allgreen's own errors are whole sentences ("Unable to connect to ..."): no class name.
        message = _first_line(str(exc))
    else:
        message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return CheckOutcome(
        "failed" if failed else "error",
        duration,
        message=message,
        detail=_render(longrepr),
        longrepr=longrepr,
    )


def call_check(spec: CheckSpec, kwargs: dict[str, Any] | None = None) -> CheckOutcome:
    """Run ``spec`` in the calling thread and return its outcome; never raises.

    ``KeyboardInterrupt`` is left to propagate in the main thread so Ctrl-C works.
    """
    install_comparison_explainer()
    kwargs = kwargs or {}
    observation = start_observation()
    started = time.perf_counter()
    try:
        result = spec.func(**kwargs)
        if asyncio.iscoroutine(result):
            result = asyncio.run(result)
    except (Exception, SystemExit, Failed, Skipped) as exc:
        outcome = outcome_from_exception(exc, spec, time.perf_counter() - started)
        _attach_observation(outcome, None, observation)
        return outcome
    outcome = CheckOutcome("passed", time.perf_counter() - started)
    _attach_observation(outcome, result, observation)
    return outcome


def _attach_observation(outcome: CheckOutcome, result: object, observation: Observation) -> None:
    """Carry what the check returned, else what it last ``observe()``-d, into the report."""
    observed = getattr(result, "observed_value", None)
    if observed is not None:
        outcome.observed_value = observed
        outcome.observed_unit = getattr(result, "observed_unit", None)
    elif isinstance(result, int | float | str) and not isinstance(result, bool):
        outcome.observed_value = result
        # A helper's own return value keeps the unit it observed.
        if observation.recorded and observation.value == result:
            outcome.observed_unit = observation.unit
    elif observation.recorded:
        outcome.observed_value = observation.value
        outcome.observed_unit = observation.unit
