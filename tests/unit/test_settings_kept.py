"""db.config.load keeps the settings it read, yet every change reaches the next call: the
environment, the working folder, and the training-mode marker that manage.py seed-demo
and reset-demo switch while CareDesk runs."""

from __future__ import annotations

import os

from db import config


def test_a_changed_environment_is_read_again(monkeypatch, tmp_path):
    monkeypatch.setenv("CAREDESK_DATA_DIR", str(tmp_path / "one"))
    monkeypatch.setenv("CAREDESK_REGION", "us")
    first = config.load()
    assert config.load() is first  # kept while nothing changed
    monkeypatch.setenv("CAREDESK_REGION", "gb")
    assert config.load().region == "GB"
    monkeypatch.setenv("CAREDESK_DATA_DIR", str(tmp_path / "two"))
    assert config.load().data_dir == (tmp_path / "two").resolve()


def test_a_relative_data_folder_follows_the_working_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("CAREDESK_DATA_DIR", "data-here")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    assert config.load().data_dir == tmp_path / "a" / "data-here"
    monkeypatch.chdir(tmp_path / "b")
    assert config.load().data_dir == tmp_path / "b" / "data-here"


def test_the_training_switch_takes_effect_at_once(monkeypatch, tmp_path):
    monkeypatch.setenv("CAREDESK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CAREDESK_DATABASE_URL", raising=False)
    settings = config.load()
    assert not settings.demo_mode
    assert settings.database_url == settings.clinic_database_url
    settings.set_demo_mode(True)
    assert config.load().demo_mode
    assert config.load().database_url == settings.demo_database_url
    settings.set_demo_mode(False)
    assert not config.load().demo_mode
    # A marker that says something else is not training mode, and a rewrite is read again.
    marker = tmp_path / config.MODE_FILE
    marker.write_text("clinic\n")
    assert not config.load().demo_mode
    marker.write_text("demo\n")
    os.utime(marker, ns=(1, 2))  # even with an older stamp than before: the stamp differs
    assert config.load().demo_mode
