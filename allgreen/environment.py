"""Which environment a run is in: explicit value, ``ALLGREEN_ENV``, or development."""

from __future__ import annotations

import os

ENV_VARIABLE = "ALLGREEN_ENV"
DEFAULT_ENVIRONMENT = "development"


def resolve_environment(explicit: str | None = None) -> str:
    """Return the environment name, in order: ``explicit``, ``$ALLGREEN_ENV``, ``development``."""
    if explicit:
        return explicit
    return os.environ.get(ENV_VARIABLE) or DEFAULT_ENVIRONMENT
