"""``index_backend: postgres`` in config/bot.yaml: the DSN, DATABASE_URL, never a password in the file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.config import ConfigError, load_settings
from bot.index._postgres import dsn_of
from tests.conftest import REPO, write_config


def test_dsn_from_the_file_or_database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    folder = write_config(tmp_path / "a", index_backend="postgres",
                          postgres={"dsn": "postgresql://briefing@db:5432/briefing", "read_only": True})
    settings = load_settings(folder)
    assert settings.index_backend == "postgres" and settings.postgres.read_only
    assert dsn_of(settings) == "postgresql://briefing@db:5432/briefing"

    monkeypatch.setenv("DATABASE_URL", "postgresql://briefing:secret@db/briefing")  # the environment may hold it
    settings = load_settings(write_config(tmp_path / "b", index_backend="postgres"))
    assert dsn_of(settings) == "postgresql://briefing:secret@db/briefing"
    assert load_settings(write_config(tmp_path / "c")).index_backend == "embedded"  # the default needs nothing


@pytest.mark.parametrize(
    ("postgres", "message"),
    [
        ({"dsn": "postgresql://briefing:secret@db/briefing"}, "postgres.dsn holds a password; remove it"),
        ({"dsn": "host=db password=secret"}, "postgres.dsn holds a password"),
        ({}, "postgres.dsn is needed with `index_backend: postgres`"),
        ({"dsn": "host=db", "replicas": 2}, "postgres.replicas is not a known key"),
        ({"dsn": "host=db", "read_only": "yes"}, "postgres.read_only must be true or false"),
    ],
)
def test_bad_postgres_settings_name_the_key_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres: dict, message: str
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    folder = write_config(tmp_path / "cfg", index_backend="postgres", postgres=postgres)
    with pytest.raises(ConfigError, match=r"bot\.yaml: ") as error:
        load_settings(folder)
    assert message in str(error.value)


@pytest.mark.parametrize(("name", "read_only"), [("bot.postgres.yaml", False), ("bot.reader.yaml", True)])
def test_the_compose_setups_config_files_are_valid(tmp_path: Path, name: str, read_only: bool) -> None:
    folder = write_config(tmp_path / "cfg")
    (folder / "bot.yaml").write_text((REPO / "deploy" / name).read_text(encoding="utf-8"), encoding="utf-8")
    settings = load_settings(folder)
    assert settings.index_backend == "postgres" and settings.postgres.read_only is read_only
    assert settings.postgres.corpus == "newsroom" and "@db:5432" in (settings.postgres.dsn or "")
    assert settings.watch.mode == ("off" if read_only else "watch")


def test_docker_compose_wires_the_bot_to_the_database_without_a_password_in_files() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"db", "bot", "reader"}
    for name in ("bot", "reader"):
        service = services[name]
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert service["environment"]["PGPASSWORD"].startswith("${BRIEFING_DB_PASSWORD")
        mounts = dict(volume.split(":")[:2] for volume in service["volumes"])
        config = next(source for source, target in mounts.items() if target == "/app/config/bot.yaml")
        assert (REPO / config).is_file()
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${BRIEFING_DB_PASSWORD")
    assert services["reader"]["profiles"] == ["readers"] and "./corpus" not in str(services["reader"]["volumes"])
