"""Definitions an administrator uploads are untrusted text: no alias bombs, no giant files."""

import time

import pytest

from services.core.definitions import MAX_BYTES, DefinitionTextError, load_definition_yaml

BOMB = "\n".join(
    ["a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']"]
    + [
        f"{c}: &{c} [{','.join(['*' + p] * 9)}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)


def test_plain_yaml_reads_as_before():
    assert load_definition_yaml("code: phq9\nitems:\n  - 1\n  - 2\n") == {
        "code": "phq9",
        "items": [1, 2],
    }


def test_an_alias_bomb_is_refused_at_once_with_a_plain_message():
    started = time.perf_counter()
    with pytest.raises(DefinitionTextError, match="aliases") as exc:
        load_definition_yaml(BOMB)
    assert time.perf_counter() - started < 0.5 and len(str(exc.value)) < 200


def test_a_shared_option_list_is_still_fine():
    doc = load_definition_yaml("opts: &yn [no, yes]\na: {options: *yn}\nb: {options: *yn}\n")
    assert doc["a"]["options"] == doc["b"]["options"] == [False, True]


def test_every_shipped_definition_reads_with_the_safe_loader():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "services"
    shipped = sorted(root.glob("*/definitions/**/*.yaml"))
    assert len(shipped) >= 15
    for path in shipped:
        assert load_definition_yaml(path.read_text()) is not None, path.name


def test_a_definition_past_the_size_cap_is_refused():
    with pytest.raises(DefinitionTextError, match="stop at 64 KB"):
        load_definition_yaml("x: '" + "a" * MAX_BYTES + "'\n")


def test_broken_yaml_gets_a_plain_message():
    with pytest.raises(DefinitionTextError, match="not valid YAML"):
        load_definition_yaml("x: [1, 2\n")


def test_an_uploaded_instrument_or_template_bomb_is_refused_at_its_field(s, make_actor):
    from db.models import Role
    from services.care_plans import templates
    from services.core.errors import InvalidInput
    from services.intake import instruments

    with pytest.raises(ValueError, match="aliases"):
        instruments.parse(BOMB)
    with pytest.raises(InvalidInput) as exc:
        templates.save_template(s, make_actor(Role.ADMIN), BOMB, expected_version=None)
    assert "aliases" in exc.value.errors["body"] and len(exc.value.errors["body"]) < 200
