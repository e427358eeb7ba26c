"""The bundled example: checks that pass on any fresh machine, no services needed.

Run it with `pytest --allgreen examples/allgood.py` or `allgreen run examples/allgood.py`.
"""

import json
import platform
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from allgreen import check, expect, make_sure


@pytest.fixture
def scratch_dir():
    with tempfile.TemporaryDirectory(prefix="allgreen-example-") as path:
        yield Path(path)


@check("Python is 3.10 or newer", tags=["runtime"])
def python_version():
    expect(sys.version_info[:2]).to_be_greater_than_or_equal((3, 10))


@check("The temporary directory is writable", tags=["readiness"])
def temp_writable(scratch_dir):
    probe = scratch_dir / "probe.json"
    probe.write_text(json.dumps({"ok": True}))
    expect(json.loads(probe.read_text())).to_eq({"ok": True})


@check("The root volume has free space", tags=["readiness"])
def disk_space():
    usage = shutil.disk_usage("/")
    make_sure(usage.free > 0, "the root volume is full")


@check("The platform is known", critical=False)
def platform_known():
    expect(platform.system()).to_match(r"\w+")


@check("An async check runs too", timeout=5)
async def async_sleep():
    import asyncio

    await asyncio.sleep(0.01)
    expect(asyncio.get_running_loop().is_running()).to_be_truthy()


@check("Only in production: this is skipped in development", only="production")
def production_only():
    make_sure(False, "never runs outside production")
