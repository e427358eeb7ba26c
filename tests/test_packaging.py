"""The wheel a user installs: templates inside, and the example passing from a fresh venv."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE_FROM_WHEEL = (
    "import allgreen\n"
    "app = allgreen.create_app('allgood.py')\n"
    "response = app.test_client().get('/healthcheck')\n"
    "print(response.status_code, 'Python is 3.10 or newer' in response.get_data(as_text=True))\n"
    "app.extensions['allgreen'].service.close()\n"
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("pytest_allgreen-*.whl")
    return path


def test_wheel__ships_templates_typing_marker_and_entry_points(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "allgreen/templates/allgood.py.tmpl" in names
    for part in ("dashboard.html", "_style.css", "_script.js", "_icons.html"):
        assert f"allgreen/templates/allgreen/{part}" in names
    assert "allgreen/django/templates/allgreen/dashboard.html" in names
    assert "allgreen/django/templatetags/allgreen.py" in names
    assert "allgreen/py.typed" in names and "pytest_allgreen/py.typed" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[pytest11]\nallgreen = pytest_allgreen.plugin" in text
    assert "allgreen = allgreen.cli:main" in text


def test_fresh_venv__installs_the_wheel_and_runs_the_example(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True
    )
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(ROOT / "examples" / "allgood.py", work / "allgood.py")
    result = subprocess.run(
        [str(env_dir / "bin" / "pytest"), "--allgreen", "allgood.py", "-p", "no:cacheprovider"],
        cwd=work, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed, 1 skipped" in result.stdout
    cli = subprocess.run(
        [str(env_dir / "bin" / "allgreen"), "run"], cwd=work, capture_output=True, text=True
    )
    assert cli.returncode == 0 and "all good" in cli.stdout
    # The dashboard renders from the templates inside the installed wheel.
    page = subprocess.run(
        [str(python), "-c", PAGE_FROM_WHEEL], cwd=work, capture_output=True, text=True
    )
    assert page.returncode == 0, page.stderr
    assert page.stdout.strip() == "200 True"
