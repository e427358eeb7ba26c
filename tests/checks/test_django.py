"""Django helpers in a real Django project: an sqlite database and a local-memory cache.

Django's settings are global to a process, so each scenario runs the checks
in a fresh ``pytest --allgreen`` subprocess, as CI would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from allgreen.checks.django import UNAPPLIED

pytest.importorskip("django")

SETTINGS = """
SECRET_KEY = "allgreen-test-only"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {db!r}}}}}
CACHES = {{"default": {{"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}}}
USE_TZ = True
"""

ALLGOOD = """
from allgreen import check
from allgreen import checks

@check("Migrations are applied")
def migrations():
    return checks.django_migrations_applied()

@check("The database answers")
def database():
    return checks.django_database()

@check("The cache answers")
def cache():
    return checks.django_cache()
"""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Write a Django settings module and an allgood.py; return the database path."""
    db = pytester.path / "db" / "app.sqlite3"
    db.parent.mkdir()
    pytester.makepyfile(project_settings=SETTINGS.format(db=str(db)), allgood=ALLGOOD)
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "project_settings")
    monkeypatch.setenv("PYTHONPATH", str(pytester.path))
    return db


def _run(pytester: pytest.Pytester) -> dict[str, dict[str, object]]:
    """Run the checks in a subprocess and return the JSON report's checks by id."""
    report = pytester.path / "report.json"
    pytester.runpytest_subprocess("--allgreen", "allgood.py", f"--allgreen-json={report}")
    return {check["id"]: check for check in json.loads(report.read_text())["checks"]}


def test_django__unapplied_migrations_fail_then_pass_after_migrate(
    pytester: pytest.Pytester, project: Path
) -> None:
    checks = _run(pytester)
    migrations = checks["migrations"]
    assert migrations["status"] == "failed"
    count = migrations["observed_value"]
    assert count > 0
    assert migrations["observed_unit"] == "migrations"
    names = "contenttypes.0001_initial, contenttypes.0002_remove_content_type_name, "
    assert migrations["message"].startswith(
        UNAPPLIED.format(count=count, s="s", alias="default", names=names).split(names)[0] + names
    )
    assert migrations["message"].endswith("more; run manage.py migrate")
    assert checks["database"]["status"] == "passed"
    assert checks["database"]["observed_unit"] == "ms"
    assert checks["cache"]["status"] == "passed"

    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--verbosity=0"],
        cwd=pytester.path,
        check=True,
    )
    migrated = _run(pytester)["migrations"]
    assert migrated["status"] == "passed"
    assert migrated["observed_value"] == 0


def test_django__unreachable_database_is_an_error(pytester: pytest.Pytester, project: Path) -> None:
    project.parent.rmdir()  # sqlite cannot create a file in a missing directory
    checks = _run(pytester)
    assert checks["database"]["status"] == "error"
    assert checks["database"]["message"] == (
        "Unable to query Django database 'default' (sqlite): unable to open database file"
    )
    assert checks["migrations"]["status"] == "error"
    assert checks["cache"]["status"] == "passed"


def test_django__without_settings_says_how_to_configure(
    pytester: pytest.Pytester, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    checks = _run(pytester)
    message = checks["cache"]["message"]
    assert "Django settings are not configured" in message
    assert "DJANGO_SETTINGS_MODULE" in message
