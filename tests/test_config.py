"""Shipped defaults + a config folder's overrides -> validated settings; every error names file, key and fix."""

from pathlib import Path

import pytest

import bot.config
from bot.config import CONFIG_FILES, DEFAULTS_DIR, REPO_CONFIG_DIR, ConfigError, load_settings
from tests.conftest import REPO


def write_config(folder: Path, bot_yaml: str, aliases: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bot.yaml").write_text(bot_yaml, encoding="utf-8")
    if aliases is not None:
        (folder / "aliases.yaml").write_text(aliases, encoding="utf-8")
    return folder


@pytest.fixture
def no_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run as an installed package does: no repository config/ next to the code, no BRIEFING_CONFIG."""
    monkeypatch.setattr(bot.config, "REPO_CONFIG_DIR", tmp_path / "no-such-checkout" / "config")
    monkeypatch.delenv("BRIEFING_CONFIG", raising=False)


def test_shipped_config_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRIEFING_CONFIG", raising=False)
    settings = load_settings()
    assert settings.config_dir == REPO_CONFIG_DIR
    assert settings.corpus == REPO / "corpus"
    assert settings.answers.max_quotes == 3
    assert any("Coreia do Norte" in group for group in settings.aliases)
    assert settings.boilerplate["prompt_starts"], "boilerplate vocabulary ships in bot/defaults/boilerplate.yaml"


@pytest.mark.parametrize("name", CONFIG_FILES)
def test_repository_config_is_the_shipped_defaults(name: str) -> None:
    """config/ is the documented, editable copy of bot/defaults/: the two never diverge."""
    assert (REPO / "config" / name).read_bytes() == (DEFAULTS_DIR / name).read_bytes(), (
        f"config/{name} and bot/defaults/{name} differ: a default was changed in one copy only; "
        "make the same change in the other"
    )


def test_installed_package_without_a_config_folder_uses_the_defaults(
    no_checkout: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.config_dir is None
    assert settings.corpus == tmp_path / "corpus"  # relative to the current directory
    assert settings.index_dir == tmp_path / ".index"
    assert settings.answers.max_quotes == 3 and settings.aliases and settings.boilerplate


def test_a_config_folder_overrides_key_by_key(no_checkout: None, tmp_path: Path) -> None:
    folder = write_config(tmp_path / "site" / "config", "answers:\n  max_quotes: 5\ncorpus: articles\n")
    settings = load_settings(folder)
    assert settings.answers.max_quotes == 5
    assert settings.answers.candidates == 100  # the other keys of the section keep their defaults
    assert settings.corpus == tmp_path / "site" / "articles"  # relative to the config folder's parent
    assert settings.index_dir == tmp_path / "site" / ".index"
    assert settings.aliases and settings.boilerplate["labels"]  # files it lacks come from the defaults


def test_boilerplate_and_aliases_override_per_key(no_checkout: None, tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "boilerplate.yaml").write_text("labels: [patrocinado]\n", encoding="utf-8")
    (folder / "aliases.yaml").write_text("aliases:\n  - [Lula, Luiz Inácio Lula da Silva]\n", encoding="utf-8")
    settings = load_settings(folder)
    assert settings.boilerplate["labels"] == ["patrocinado"]
    assert "assine" in settings.boilerplate["prompt_starts"]  # untouched keys keep the shipped vocabulary
    assert settings.aliases == (("Lula", "Luiz Inácio Lula da Silva"),)


def test_environment_variable_names_the_folder(no_checkout: None, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_config(tmp_path / "etc", "answers:\n  suggestions: 2\n")
    monkeypatch.setenv("BRIEFING_CONFIG", str(folder))
    assert load_settings().answers.suggestions == 2
    monkeypatch.setenv("BRIEFING_CONFIG", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match=r"missing: config folder not found \(BRIEFING_CONFIG\)"):
        load_settings()


def test_corpus_override_and_defaults(tmp_path: Path) -> None:
    folder = write_config(tmp_path / "config", "corpus: articles\n")
    settings = load_settings(folder, corpus=tmp_path / "other")
    assert settings.corpus == tmp_path / "other"
    assert settings.index_dir == tmp_path / ".index"
    assert settings.watch.mode == "watch"
    assert settings.discord.cooldown.rate == 3
    assert settings.discord.followup_minutes == 10


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("answers:\n  max_quotes: three\n", "answers.max_quotes must be an integer between 1 and 10"),
        ("answers:\n  colour: red\n", "answers.colour is not a known key"),
        ("watch:\n  mode: sometimes\n", "watch.mode must be one of watch, poll, off"),
        ("discord:\n  sync_guilds: [general]\n", "discord.sync_guilds must be a list of Discord ids"),
        ("discord:\n  answer_channels:\n    123: general\n", "discord.answer_channels.123 must map a guild id"),
        ("discord:\n  cooldown:\n    rate: 0\n", "discord.cooldown.rate must be an integer between 1 and 1000"),
        ("discord:\n  followup_minutes: -1\n", "discord.followup_minutes must be a number between 0.0 and 1440"),
        ("discord:\n  followup_minute: 5\n", "did you mean followup_minutes?"),
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


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    folder = write_config(
        tmp_path / "config",
        "answers:\n  max_quote: 5\n  candidates: lots\nwatch:\n  mode: sometimes\n",
        aliases="aliases:\n  - [Moscow]\n",
    )
    with pytest.raises(ConfigError) as error:
        load_settings(folder)
    problems = error.value.problems
    assert len(problems) == 4, problems
    assert any("answers.max_quote is not a known key; did you mean max_quotes?" in p for p in problems)
    assert any("answers.candidates must be an integer" in p for p in problems)
    assert any("watch.mode must be one of" in p for p in problems)
    assert any(p.startswith(str(folder / "aliases.yaml")) and "aliases[0]" in p for p in problems)


def test_typo_in_a_section_name_suggests_the_nearest(tmp_path: Path) -> None:
    folder = write_config(tmp_path / "config", "answer:\n  max_quotes: 5\n")
    with pytest.raises(ConfigError, match=r"answer is not a known key; did you mean answers\?"):
        load_settings(folder)


def test_yaml_error_carries_the_parsers_words(tmp_path: Path) -> None:
    folder = write_config(tmp_path / "config", "answers:\n  max_quotes: 3\n   suggestions: 2\n")
    with pytest.raises(ConfigError) as error:
        load_settings(folder)
    message = str(error.value)
    assert "is not valid YAML at line 3, column 15" in message
    assert "mapping values are not allowed here" in message


def test_unknown_boilerplate_key_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "boilerplate.yaml").write_text("label: [x]\nmax_prompt_words: many\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings(folder)
    problems = error.value.problems
    assert any("label is not a known key; did you mean labels?" in p for p in problems)
    assert any("max_prompt_words must be an integer" in p for p in problems)


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


def test_index_folder_is_where_the_answerer_keeps_its_index(tmp_path: Path, corpus: Path) -> None:
    from bot.answering import Answerer

    answerer = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    assert answerer.article_count == 2
    settings = load_settings(corpus=corpus)
    assert (bot.config.index_folder(tmp_path / "index", settings.corpus) / "catalog.json").is_file()
