"""Load Python files through pytest's assertion rewriter.

allgreen rewrites ``allgood.py`` (and :mod:`allgreen.expect`) itself rather
than relying on pytest's import hook, so a plain ``assert`` explains its
values the same way under ``pytest --allgreen``, ``allgreen run`` and in the
web endpoint, where no pytest session exists.
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.util
import os
import sys
import threading
import types
from pathlib import Path
from typing import Any

from _pytest.assertion import util as assertion_util
from _pytest.assertion.rewrite import rewrite_asserts
from _pytest.config import Config


class RewritingLoader(importlib.abc.SourceLoader):
    """A source loader whose ``source_to_code`` rewrites ``assert`` statements."""

    def __init__(self, fullname: str, path: str) -> None:
        self.fullname = fullname
        self.path = path

    def get_filename(self, fullname: str) -> str:
        return self.path

    def get_data(self, path: str) -> bytes:
        return Path(path).read_bytes()

    def source_to_code(self, data: Any, path: Any, *, _optimize: int = -1) -> types.CodeType:  # type: ignore[override]
        source = data if isinstance(data, bytes) else bytes(data)
        tree = ast.parse(source, filename=str(path))
        rewrite_asserts(tree, source, str(path), None)
        return compile(tree, str(path), "exec", dont_inherit=True)


def load_module(name: str, path: str | Path, *, register: bool = True) -> types.ModuleType:
    """Import the file at ``path`` as module ``name`` with its asserts rewritten.

    :param register: put the module in :data:`sys.modules` while it executes, so
        that pickling, dataclasses and ``inspect`` find it.
    """
    loader = RewritingLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, str(path), loader=loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    if register:
        sys.modules[name] = module
    try:
        loader.exec_module(module)
    except BaseException:
        if register:
            sys.modules.pop(name, None)
        raise
    return module


_plain_config: Config | None = None
_plain_config_lock = threading.Lock()


def _standalone_config() -> Config:
    """Return a bare pytest config, made once, to ask the comparison hook outside pytest."""
    global _plain_config
    with _plain_config_lock:
        if _plain_config is None:
            # No ini file, no third-party plugins: only pytest's own explanations.
            # -vv: a reader of the dashboard wants the whole diff, not a hint to pass -v.
            args = ["--disable-plugin-autoload", "-c", os.devnull, "-p", "no:cacheprovider", "-vv"]
            _plain_config = Config.fromdictargs({}, args)
        return _plain_config


def _explain_comparison(op: str, left: object, right: object) -> str | None:
    config = _standalone_config()
    for lines in config.hook.pytest_assertrepr_compare(
        config=config, op=op, left=left, right=right
    ):
        explanation = list(lines) if lines else []
        if explanation:
            # The same escaping pytest applies before the rewritten assert formats it.
            joined = "\n~".join(line.replace("\n", "\\n") for line in explanation)
            return joined.replace("%", "%%")
    return None


def install_comparison_explainer() -> None:
    """Let rewritten asserts print value diffs where pytest has not set that up.

    Inside a pytest test run pytest installs its own explainer around each test
    (and restores this one afterwards), so its verbosity settings win there.
    """
    if assertion_util._reprcompare is None:
        assertion_util._reprcompare = _explain_comparison
