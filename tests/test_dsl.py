"""The DSL validates every option when allgood.py loads, with a located error."""

from __future__ import annotations

import pytest

from allgreen import errors
from allgreen.dsl import parse_memory
from allgreen.errors import ConfigError
from allgreen.loader import load_config


def load(tmp_path, source: str):
    path = tmp_path / "allgood.py"
    path.write_text("from allgreen import check, expect, make_sure\n" + source)
    return load_config(path)


def test_check__registers_in_declaration_order_with_defaults(tmp_path):
    config = load(tmp_path, '@check("b first")\ndef b(): pass\n@check("a second")\ndef a(): pass\n')
    assert [spec.id for spec in config.checks] == ["b", "a"]
    spec = config.checks[0]
    assert (spec.description, spec.timeout, spec.critical, spec.tags) == ("b first", None, True, ())
    assert spec.lineno == 2 and spec.path == str(tmp_path / "allgood.py")


def test_check__name_option_sets_the_id(tmp_path):
    config = load(tmp_path, '@check("x", name="db.primary")\ndef whatever(): pass\n')
    assert config.checks[0].id == "db.primary"


def test_check__duplicate_id_names_both_lines(tmp_path):
    with pytest.raises(ConfigError) as info:
        load(
            tmp_path,
            '@check("one")\ndef db(): pass\n\n@check("two", name="db")\ndef other(): pass\n',
        )
    path = tmp_path / "allgood.py"
    assert str(info.value) == f"{path}:5: " + errors.DUPLICATE_ID.format(id="db", first=f"{path}:2")


def test_check__unknown_keyword_lists_the_options(tmp_path):
    with pytest.raises(ConfigError) as info:
        load(tmp_path, '@check("x", timout=3)\ndef x(): pass\n')
    assert str(info.value).startswith(
        f"{tmp_path / 'allgood.py'}:2: check() got an unknown option 'timout'"
    )
    assert "timeout" in str(info.value)


def test_check__without_a_description_says_how_to_write_it(tmp_path):
    with pytest.raises(ConfigError) as info:
        load(tmp_path, "@check\ndef naked(): pass\n")
    assert errors.MISSING_DESCRIPTION.format(name="naked") in str(info.value)
    assert info.value.lineno == 2


@pytest.mark.parametrize(
    ("option", "why"),
    [
        ("timeout=-1", "give a number of seconds"),
        ('timeout="5"', "give a number of seconds"),
        ("only=[]", "give an environment name"),
        ("except_=[1]", "give an environment name"),
        ('if_="yes"', "give a bool or a function"),
        ("unless=3", "give a bool or a function"),
        ('tags=["has space"]', "each tag is a word"),
        ('critical="no"', "give True or False"),
        ('name="1bad id"', "use letters"),
        ('memory_limit="lots"', "expected a number of bytes"),
        ("memory_limit=-5", "must be a positive"),
        ("run=5", "(e.g. '2 times per day')"),
    ],
)
def test_check__bad_option_value_is_a_located_config_error(tmp_path, option, why):
    with pytest.raises(ConfigError) as info:
        load(tmp_path, f'@check("x", {option})\ndef x(): pass\n')
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'allgood.py'}:2: check ")
    assert why in message


def test_check__decorating_a_non_function_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="must decorate a function"):
        load(tmp_path, 'check("x")(42)\n')


def test_check__conditions_accept_names_lists_bools_and_callables(tmp_path):
    config = load(
        tmp_path,
        '@check("x", only=["production", "staging"], except_="dev", if_=True, unless=lambda: False,'
        ' tags="db", memory_limit="64MB")\ndef x(): pass\n',
    )
    spec = config.checks[0]
    assert spec.only == ("production", "staging") and spec.except_ == ("dev",)
    assert spec.tags == ("db",) and spec.memory_limit == 64 * 2**20


@pytest.mark.parametrize(
    ("value", "size"),
    [(1024, 1024), ("1KB", 1024), ("1.5 MiB", 1572864), ("2G", 2 * 2**30), (None, None)],
)
def test_parse_memory__understands_sizes(value, size):
    assert parse_memory(value) == size


def test_async_check__is_marked_async(tmp_path):
    config = load(tmp_path, '@check("x")\nasync def x(): pass\n')
    assert config.checks[0].is_async
