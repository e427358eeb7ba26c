"""allgood.py sources and helpers shared by the Flask, Django and FastAPI tests."""

from __future__ import annotations

from typing import Any

#: A config with one check of each kind, hostile strings included.
MIXED = """
from allgreen import check, expect, make_sure

@check("Answer is <script>alert('description')</script> 42", tags=["readiness"])
def answer():
    expect(6 * 7).to_eq(42)

@check("Settings match", tags=["readiness", "db"])
def settings():
    expect({"pool": 5}).to_eq({"pool": 10})

@check("Only in production", only="production")
def prod_only():
    pass

@check("Cache answers", critical=False, tags=["cache"])
def cache():
    raise ConnectionError("<script>alert('message')</script> postgresql://user:secret@host/db")
"""

PASSING = """
from allgreen import check

@check("Always fine", tags=["readiness"])
def fine():
    pass
"""

#: Keys of a JSON report that differ between two runs of the same config.
TIMES = ("started_at", "duration_ms", "last_run_at", "next_run_at", "time", "history")


def without_times(data: Any) -> Any:
    """Return a JSON document without the keys that differ between two runs."""
    if isinstance(data, dict):
        return {key: without_times(value) for key, value in data.items() if key not in TIMES}
    if isinstance(data, list):
        return [without_times(item) for item in data]
    return data
