"""The DSL of allgood.py: ``@check`` and ``make_sure``.

``check`` validates every option when the file loads, so a typo is a config
error naming the file and the line instead of a surprise at three in the
morning. Registered checks go to the active :class:`Registry`, the one piece
of global state in allgreen.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

from allgreen import errors
from allgreen.errors import ConfigError
from allgreen.ratelimit import RateLimit, parse_rate

F = TypeVar("F", bound=Callable[..., Any])

#: Default hard limit per check, in seconds.
DEFAULT_TIMEOUT = 10.0

ID_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
TAG_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B?|B)?\s*$", re.IGNORECASE)
_MEMORY_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}

Condition = bool | Callable[[], Any] | None


@dataclass(frozen=True)
class CheckSpec:
    """One declared check: what to call and under which rules."""

    id: str
    description: str
    func: Callable[..., Any] = field(repr=False, compare=False)
    path: str
    lineno: int
    timeout: float | None = None
    only: tuple[str, ...] | None = None
    except_: tuple[str, ...] | None = None
    if_: Condition = field(default=None, repr=False, compare=False)
    unless: Condition = field(default=None, repr=False, compare=False)
    run: str | None = None
    tags: tuple[str, ...] = ()
    critical: bool = True
    memory_limit: int | None = None
    #: ``run=`` parsed; ``None`` when the check may run at every request.
    rate_limit: RateLimit | None = None

    @functools.cached_property
    def is_async(self) -> bool:
        """Tell whether the check is an ``async def`` function."""
        return inspect.iscoroutinefunction(self.func)

    @functools.cached_property
    def argnames(self) -> tuple[str, ...]:
        """Return the fixture names the check asks for (parameters without defaults).

        Cached: ``inspect.signature`` on every check of every run was most of a
        run's own cost.
        """
        return tuple(
            name
            for name, p in inspect.signature(self.func).parameters.items()
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        )

    @property
    def location(self) -> str:
        """Return ``path:line`` of the ``@check`` decorator."""
        return f"{self.path}:{self.lineno}"


class Registry:
    """The checks of one config, in declaration order, with unique ids."""

    def __init__(self) -> None:
        self._checks: dict[str, CheckSpec] = {}

    def add(self, spec: CheckSpec) -> None:
        """Register ``spec``; a second check with the same id is a config error."""
        first = self._checks.get(spec.id)
        if first is not None:
            raise ConfigError(
                errors.DUPLICATE_ID.format(id=spec.id, first=first.location), spec.path, spec.lineno
            )
        self._checks[spec.id] = spec

    @property
    def checks(self) -> list[CheckSpec]:
        """Return the registered checks in declaration order."""
        return list(self._checks.values())

    def __len__(self) -> int:
        return len(self._checks)


_default_registry = Registry()
_active_registry: Registry = _default_registry


@contextlib.contextmanager
def collecting(registry: Registry) -> Iterator[Registry]:
    """Send the ``@check`` registrations made inside the block to ``registry``."""
    global _active_registry
    previous, _active_registry = _active_registry, registry
    try:
        yield registry
    finally:
        _active_registry = previous


def _names(value: str | Iterable[str] | None, option: str, ctx: _Site) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = (value,) if isinstance(value, str) else tuple(value)
    if not names or not all(isinstance(n, str) and n for n in names):
        ctx.fail(option, value, "give an environment name or a list of names, such as 'production'")
    return names


def parse_memory(value: int | str | None) -> int | None:
    """Turn ``256 * 2**20``, ``"256MB"`` or ``"1 GiB"`` into a number of bytes."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("expected a number of bytes or a size such as '256MB'")
    if isinstance(value, int):
        if value <= 0:
            raise ValueError("must be a positive number of bytes")
        return value
    match = _MEMORY.match(str(value))
    if not match:
        raise ValueError("expected a number of bytes or a size such as '256MB' or '1GiB'")
    number, unit = float(match.group(1)), (match.group(2) or "").upper()[:1]
    size = int(number * _MEMORY_UNITS[unit])
    if size <= 0:
        raise ValueError("must be positive")
    return size


@dataclass
class _Site:
    """Where a ``@check`` was written, to put in error messages."""

    path: str
    lineno: int
    id: str = "?"

    def fail(self, option: str, value: object, why: str) -> NoReturn:
        raise ConfigError(
            errors.BAD_OPTION.format(id=self.id, option=option, value=value, why=why),
            self.path,
            self.lineno,
        )


_KNOWN_OPTIONS = (
    "name", "timeout", "only", "except_", "if_", "unless", "run", "tags", "critical",
    "memory_limit",
)  # fmt: skip


def check(
    description: str,
    *,
    name: str | None = None,
    timeout: float | None = None,
    only: str | Iterable[str] | None = None,
    except_: str | Iterable[str] | None = None,
    if_: Condition = None,
    unless: Condition = None,
    run: str | None = None,
    tags: str | Iterable[str] = (),
    critical: bool = True,
    memory_limit: int | str | None = None,
    **unknown: Any,
) -> Callable[[F], F]:
    """Declare the decorated function as a health check.

    :param description: what the check verifies, shown on every report.
    :param name: stable id (default: the function's name), unique in a config.
    :param timeout: hard limit in seconds (``0`` for none; default 10 s).
    :param only: run only in these environments.
    :param except_: never run in these environments.
    :param if_: run only when this bool or callable is truthy, evaluated at each run.
    :param unless: skip when this bool or callable is truthy, evaluated at each run.
    :param run: rate limit such as ``"2 times per day"``.
    :param tags: names to group checks by (``-m tag``, ``/healthcheck/<tag>``).
    :param critical: when false, a failure makes the status ``warn`` instead of ``fail``.
    :param memory_limit: bytes (or ``"256MB"``) the check may use before it is killed.
    """
    caller = sys._getframe(1)
    site = _Site(caller.f_code.co_filename, caller.f_lineno)
    if callable(description) and not isinstance(description, str):
        raise ConfigError(
            errors.MISSING_DESCRIPTION.format(name=getattr(description, "__name__", "?")),
            site.path,
            site.lineno,
        )
    if unknown:
        option = sorted(unknown)[0]
        raise ConfigError(
            errors.UNKNOWN_OPTION.format(option=option, known=", ".join(_KNOWN_OPTIONS)),
            site.path,
            site.lineno,
        )

    def decorate(func: F) -> F:
        if not callable(func) or inspect.isclass(func):
            raise ConfigError(errors.NOT_CALLABLE.format(what=repr(func)), site.path, site.lineno)
        site.id = name if isinstance(name, str) else func.__name__
        if not isinstance(description, str) or not description.strip():
            site.fail("description", description, "write a short sentence saying what is verified")
        if name is not None and (not isinstance(name, str) or not ID_PATTERN.match(name)):
            site.fail("name", name, "use letters, digits, '_', '.' or '-', starting with a letter")
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout < 0
        ):
            site.fail("timeout", timeout, "give a number of seconds, or 0 for no limit")
        for option, value in (("if_", if_), ("unless", unless)):
            if value is not None and not isinstance(value, bool) and not callable(value):
                site.fail(option, value, "give a bool or a function taking no arguments")
        rate_limit = None
        if run is not None:
            try:
                rate_limit = parse_rate(run)
            except ValueError as exc:
                site.fail("run", run, str(exc))
        if not isinstance(critical, bool):
            site.fail("critical", critical, "give True or False")
        tag_names = (tags,) if isinstance(tags, str) else tuple(tags)
        for tag in tag_names:
            if not isinstance(tag, str) or not TAG_PATTERN.match(tag):
                site.fail("tags", tags, "each tag is a word of letters, digits and '_'")
        try:
            memory = parse_memory(memory_limit)
        except ValueError as exc:
            site.fail("memory_limit", memory_limit, str(exc))
        only_names = _names(only, "only", site)
        except_names = _names(except_, "except_", site)
        check_id = name or func.__name__
        if not ID_PATTERN.match(check_id):
            site.fail("name", check_id, "use letters, digits, '_', '.' or '-'")
        spec = CheckSpec(
            id=check_id,
            description=description.strip(),
            func=func,
            path=site.path,
            lineno=site.lineno,
            timeout=float(timeout) if timeout is not None else None,
            only=only_names,
            except_=except_names,
            if_=if_,
            unless=unless,
            run=run,
            tags=tag_names,
            critical=critical,
            memory_limit=memory,
            rate_limit=rate_limit,
        )
        _active_registry.add(spec)
        func.__allgreen_check__ = spec  # type: ignore[attr-defined]
        return func

    return decorate


def make_sure(condition: object, message: str | None = None) -> None:
    """Fail the current check with ``message`` when ``condition`` is falsy."""
    __tracebackhide__ = True
    if not condition:
        raise AssertionError(message or f"make_sure failed: {condition!r} is falsy")
