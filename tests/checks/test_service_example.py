"""The bundled examples/service/allgood.py passes against the local PostgreSQL and Redis."""

from __future__ import annotations

from pathlib import Path

import pytest
from services import require_service

from allgreen import RunOptions, load_config, run_config

EXAMPLE = Path(__file__).parents[2] / "examples" / "service" / "allgood.py"


def test_service_example__passes_and_reports_what_it_measured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("psycopg")
    pytest.importorskip("redis")
    require_service("postgresql")
    require_service("redis")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    report = run_config(load_config(EXAMPLE), RunOptions(environment="test"))
    assert [(c.id, c.status) for c in report.checks] == [
        ("database", "passed"),
        ("cache", "passed"),
        ("disk", "passed"),
    ]
    assert [c.observed_unit for c in report.checks] == ["ms", "ms", "%"]
    assert report.status == "pass"
