"""config/*.yaml -> validated settings; every error names file, key and fix."""

from pathlib import Path

import pytest

from bot.config import DEFAULT_CONFIG_DIR, ConfigError, load_settings


def write_config(folder: Path, bot_yaml: str, aliases: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bot.yaml").write_text(bot_yaml, encoding="utf-8")
    if aliases is not None:
        (folder / "aliases.yaml").write_text(aliases, encoding="utf-8")
    return folder


def test_shipped_config_is_valid() -> None:
    settings = load_settings(DEFAULT_CONFIG_DIR)
    assert settings.corpus == DEFAULT_CONFIG_DIR.parent / "corpus"
    assert settings.answers.max_quotes == 3
    assert any("Coreia do Norte" in group for group in settings.aliases)
    assert settings.boilerplate, "boilerplate vocabulary ships in config/boilerplate.yaml"


def test_corpus_override_and_defaults(tmp_path: Path) -> None:
    folder = write_config(tmp_path / "config", "corpus: articles\n")
    settings = load_settings(folder, corpus=tmp_path / "other")
    assert settings.corpus == tmp_path / "other"
    assert settings.index_dir == tmp_path / ".index"
    assert settings.watch.mode == "watch"
    assert settings.discord.cooldown.rate == 3


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("answers:\n  max_quotes: three\n", "answers.max_quotes must be an integer between 1 and 10"),
        ("answers:\n  colour: red\n", "answers.colour is not a known key"),
        ("watch:\n  mode: sometimes\n", "watch.mode must be one of watch, poll, off"),
        ("discord:\n  sync_guilds: [general]\n", "discord.sync_guilds must be a list of Discord ids"),
        ("discord:\n  answer_channels:\n    123: general\n", "discord.answer_channels.123 must map a guild id"),
        ("discord:\n  cooldown:\n    rate: 0\n", "discord.cooldown.rate must be an integer between 1 and 1000"),
        ("token: abc\n", "token is not a known key"),
        ("index_backend: elastic\n", "index_backend must be one of embedded"),
        ("answers: [1, 2]\n", "answers must be a mapping"),
        ("answers:\n  max_quotes: [\n", "is not valid YAML at line"),
    ],
)
def test_errors_name_file_key_and_fix(tmp_path: Path, yaml_text: str, expected: str) -> None:
    folder = write_config(tmp_path / "config", yaml_text)
    with pytest.raises(ConfigError) as error:
        load_settings(folder)
    message = str(error.value)
    assert str(folder / "bot.yaml") in message
    assert expected in message


def test_missing_bot_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"bot\.yaml: file not found"):
        load_settings(tmp_path)


def test_bad_alias_group(tmp_path: Path) -> None:
    folder = write_config(tmp_path / "config", "{}\n", aliases="aliases:\n  - [Moscow]\n")
    with pytest.raises(ConfigError, match=r"aliases.yaml: aliases\[0\] must be a list of at least two names"):
        load_settings(folder)


def test_answer_channels_parsed(tmp_path: Path) -> None:
    folder = write_config(
        tmp_path / "config", "discord:\n  answer_channels:\n    '111': [222, '333']\n  sync_guilds: [111]\n"
    )
    settings = load_settings(folder)
    assert settings.discord.answer_channels == {111: (222, 333)}
    assert settings.discord.sync_guilds == (111,)
