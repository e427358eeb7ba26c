"""Secrets never leave allgreen: URL passwords, secret query values, bearer tokens."""

from __future__ import annotations

import pytest

from allgreen.engine import run_config
from allgreen.loader import load_config
from allgreen.redaction import mask_deep, mask_secrets


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("postgresql://user:secret@host/db", "postgresql://user:***@host/db"),
        ("redis://:p@ss:w@rd@cache:6379/0", "redis://:***@cache:6379/0"),
        ("amqp://guest:guest@localhost:5672/", "amqp://guest:***@localhost:5672/"),
        ("mysql://root@localhost/test", "mysql://root@localhost/test"),
        ("https://api.example/x?token=abc123&page=2", "https://api.example/x?token=***&page=2"),
        ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer ***"),
        # pytest shortens long reprs in the middle: either half of a password may remain.
        ("assert 'url...cret@host/db' == ''", "assert 'url...***@host/db' == ''"),
        ("'postgresql://user:hunter2pa...'", "'postgresql://user:***...'"),
        ("nothing secret here", "nothing secret here"),
    ],
)
def test_mask_secrets(text, masked):
    assert mask_secrets(text) == masked


def test_mask_deep__walks_containers():
    data = {"a": ["redis://:pw@h/0", ("x", 1)], "b": None}
    assert mask_deep(data) == {"a": ["redis://:***@h/0", ("x", 1)], "b": None}


def test_failure_text_of_a_check__never_carries_the_password(tmp_path):
    path = tmp_path / "allgood.py"
    path.write_text(
        "from allgreen import check, expect\n"
        "URL = 'postgresql://app_user:hunter2hunter2hunter2@db.internal:5432/production_db'\n"
        "@check('url')\ndef url():\n    expect(URL).to_eq('postgresql://other')\n"
        "@check('raise')\ndef boom():\n    raise ConnectionError(f'cannot reach {URL}')\n"
    )
    report = run_config(load_config(path))
    text = report.to_json()
    assert "hunter2" not in text and "nter2" not in text
    assert report.checks[0].status == "failed" and report.checks[1].status == "error"
