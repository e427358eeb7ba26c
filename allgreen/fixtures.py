"""pytest fixtures outside pytest: for ``allgreen run`` and the web endpoint.

Under ``pytest --allgreen`` pytest resolves fixtures itself. Elsewhere this
small resolver serves the fixtures defined in ``allgood.py`` and in a
``conftest.py`` beside it: each run gets fresh values, and the code after a
fixture's ``yield`` runs when the check is done.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Generator, Iterator
from typing import Any

from _pytest.fixtures import FixtureFunctionDefinition

from allgreen import errors
from allgreen.dsl import CheckSpec
from allgreen.loader import LoadedConfig, module_name_for
from allgreen.rewrite import load_module


class FixtureError(Exception):
    """A fixture is unknown, or failed to set up."""


def _fixture_functions(namespace: dict[str, Any]) -> dict[str, Callable[..., Any]]:
    return {
        obj.name: obj._get_wrapped_function()
        for obj in namespace.values()
        if isinstance(obj, FixtureFunctionDefinition)
    }


class FixtureResolver:
    """Provide fixture values for the checks of one loaded config."""

    def __init__(self, config: LoadedConfig) -> None:
        self._functions: dict[str, Callable[..., Any]] = {}
        conftest = config.path.parent / "conftest.py"
        if conftest.is_file():
            module = load_module(module_name_for(conftest), conftest)
            self._functions.update(_fixture_functions(vars(module)))
        self._functions.update(_fixture_functions(vars(config.module)))

    @contextlib.contextmanager
    def values_for(self, spec: CheckSpec) -> Iterator[dict[str, Any]]:
        """Set up the fixtures ``spec`` asks for; tear them down on exit."""
        with contextlib.ExitStack() as teardown:
            cache: dict[str, Any] = {}

            def value(name: str) -> Any:
                if name in cache:
                    return cache[name]
                function = self._functions.get(name)
                if function is None:
                    raise FixtureError(errors.UNKNOWN_FIXTURE.format(id=spec.id, name=name))
                arguments = {arg: value(arg) for arg in _argnames(function)}
                produced = function(**arguments)
                if inspect.isgenerator(produced):
                    cache[name] = next(produced)
                    teardown.callback(_finish, produced)
                else:
                    cache[name] = produced
                return cache[name]

            yield {name: value(name) for name in spec.argnames}


def _argnames(function: Callable[..., Any]) -> list[str]:
    return [
        name
        for name, p in inspect.signature(function).parameters.items()
        if p.default is inspect.Parameter.empty
    ]


def _finish(generator: Generator[Any, Any, Any]) -> None:
    with contextlib.suppress(StopIteration):
        next(generator)
