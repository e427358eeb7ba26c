"""Finding and loading allgood.py; every broken file is one located error."""

from __future__ import annotations

import pytest

from allgreen import errors
from allgreen.errors import ConfigError
from allgreen.loader import find_config, load_config


def test_find_config__prefers_allgood_py_then_config_dir(tmp_path):
    assert find_config(tmp_path) is None
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "allgood.py").write_text("")
    assert find_config(tmp_path) == tmp_path / "config" / "allgood.py"
    (tmp_path / "allgood.py").write_text("")
    assert find_config(tmp_path) == tmp_path / "allgood.py"


def test_load_config__finds_the_file_under_root(tmp_path):
    (tmp_path / "allgood.py").write_text("from allgreen import check\n@check('x')\ndef x(): pass\n")
    assert [c.id for c in load_config(root=tmp_path).checks] == ["x"]


def test_load_config__with_nothing_to_find_says_how_to_start(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(root=tmp_path)
    assert "allgreen init" in str(info.value) and str(tmp_path) in str(info.value)


def test_load_config__missing_explicit_path(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.py")
    assert str(info.value) == errors.CONFIG_NOT_FOUND.format(path=tmp_path / "nope.py")


def test_load_config__syntax_error_names_file_and_line(tmp_path):
    path = tmp_path / "allgood.py"
    path.write_text("x = 1\ndef broken(:\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}:2: syntax error: ")
    assert info.value.lineno == 2


def test_load_config__import_error_names_file_line_and_exception(tmp_path):
    path = tmp_path / "allgood.py"
    path.write_text("import os\nimport no_such_module_here\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == errors.IMPORT_FAILED.format(
        location=f"{path}:2",
        exc="ModuleNotFoundError: No module named 'no_such_module_here'",
    )


def test_load_config__may_import_a_neighbour_module(tmp_path):
    (tmp_path / "helpers_for_allgood.py").write_text("VALUE = 7\n")
    (tmp_path / "allgood.py").write_text(
        "from allgreen import check, expect\nfrom helpers_for_allgood import VALUE\n"
        "@check('x')\ndef x():\n    expect(VALUE).to_eq(7)\n"
    )
    assert len(load_config(tmp_path / "allgood.py").checks) == 1


def test_loaded_config__notices_a_changed_file(tmp_path):
    path = tmp_path / "allgood.py"
    path.write_text("")
    config = load_config(path)
    assert not config.is_stale()
    path.write_text("# changed\n")
    import os

    os.utime(path, ns=(config.mtime_ns + 10**9, config.mtime_ns + 10**9))
    assert config.is_stale()
