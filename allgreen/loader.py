"""Find and load ``allgood.py`` into a :class:`LoadedConfig`.

Any way a config can be broken (missing, syntax error, import error, bad
option, duplicate id) becomes one :class:`~allgreen.errors.ConfigError`
naming the file, the line and the fix.
"""

from __future__ import annotations

import hashlib
import sys
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path

from allgreen import errors
from allgreen.dsl import CheckSpec, Registry, collecting
from allgreen.errors import ConfigError
from allgreen.rewrite import load_module

#: Where a config is looked for, relative to a root directory, in order.
CANDIDATES = ("allgood.py", "config/allgood.py")


def find_config(root: str | Path = ".") -> Path | None:
    """Return the first of ``allgood.py`` and ``config/allgood.py`` under ``root``."""
    for candidate in CANDIDATES:
        path = Path(root) / candidate
        if path.is_file():
            return path
    return None


def resolve_config_path(path: str | Path | None, root: str | Path = ".") -> Path:
    """Return the config file to load: ``path`` itself, or the one found under ``root``."""
    if path is None:
        found = find_config(root)
        if found is None:
            raise ConfigError(errors.NO_CONFIG_FOUND.format(where=Path(root).resolve()))
        return found.resolve()
    candidate = Path(path)
    if candidate.is_dir():
        found = find_config(candidate)
        if found is None:
            raise ConfigError(errors.NO_CONFIG_FOUND.format(where=candidate.resolve()))
        return found.resolve()
    if not candidate.is_file():
        raise ConfigError(errors.CONFIG_NOT_FOUND.format(path=candidate))
    return candidate.resolve()


@dataclass
class LoadedConfig:
    """A loaded config: its file, module object and checks in declaration order."""

    path: Path
    module: types.ModuleType = field(repr=False)
    checks: list[CheckSpec]
    mtime_ns: int = 0

    def by_id(self, check_id: str) -> CheckSpec:
        """Return the check called ``check_id``."""
        for spec in self.checks:
            if spec.id == check_id:
                return spec
        raise KeyError(check_id)

    def is_stale(self) -> bool:
        """Tell whether the file changed on disk since it was loaded."""
        try:
            return self.path.stat().st_mtime_ns != self.mtime_ns
        except OSError:
            return True


def module_name_for(path: Path) -> str:
    """Return a module name unique to the config at ``path``."""
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:10]
    return f"allgood_{digest}"


def _config_error_from(exc: BaseException, path: Path) -> ConfigError:
    """Turn an exception raised while executing the config into a located ConfigError."""
    lineno = None
    for frame, line in traceback.walk_tb(exc.__traceback__):
        if Path(frame.f_code.co_filename) == path:
            lineno = line
    kind = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    location = f"{path}:{lineno}" if lineno else str(path)
    return ConfigError(errors.IMPORT_FAILED.format(location=location, exc=kind), path, lineno)


def load_config(path: str | Path | None = None, *, root: str | Path = ".") -> LoadedConfig:
    """Load a config file, or find one under ``root`` when ``path`` is ``None``.

    :raises ConfigError: for every way the file can be broken.
    """
    config_path = resolve_config_path(path, root)
    directory = str(config_path.parent)
    if directory not in sys.path:
        # Like pytest's default import mode: a config may import its neighbours.
        sys.path.insert(0, directory)
    mtime_ns = config_path.stat().st_mtime_ns
    registry = Registry()
    try:
        with collecting(registry):
            module = load_module(module_name_for(config_path), config_path)
    except ConfigError:
        raise
    except SyntaxError as exc:
        location = f"{exc.filename or config_path}:{exc.lineno}"
        raise ConfigError(
            errors.SYNTAX.format(location=location, msg=exc.msg), exc.filename, exc.lineno
        ) from None
    except (Exception, SystemExit, KeyboardInterrupt) as exc:
        raise _config_error_from(exc, config_path) from exc
    return LoadedConfig(config_path, module, registry.checks, mtime_ns)
