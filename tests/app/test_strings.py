"""The string catalogue and the command translator."""

from __future__ import annotations

import string

import discord
from discord import app_commands

from bot.app.strings import STRINGS, lang_of_locale, plural, reply_lang, text
from bot.app.translator import CommandTranslator


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_string_exists_in_both_languages_with_the_same_fields() -> None:
    for key, (en, pt) in STRINGS.items():
        assert en.strip() and pt.strip(), key
        assert fields(en) == fields(pt), key
    plurals = {k.rsplit(".", 1)[0] for k in STRINGS if k.endswith((".one", ".other"))}
    for key in plurals:
        assert f"{key}.one" in STRINGS and f"{key}.other" in STRINGS, key


def test_command_descriptions_fit_discords_100_characters() -> None:
    for key, pair in STRINGS.items():
        if key.startswith("cmd."):
            assert all(1 <= len(value) <= 100 for value in pair), key


def test_languages() -> None:
    assert lang_of_locale(discord.Locale.brazil_portuguese) == "pt" and lang_of_locale("en-GB") == "en"
    assert lang_of_locale(None) == "en"
    assert reply_lang("pt") == "pt" and reply_lang("und", "pt") == "pt" and reply_lang(None) == "en"
    assert text("not_found", "pt") == "Não encontrei isso nas notícias."
    assert plural("articles", 1, "pt") == "1 notícia" and plural("articles", 2, "en") == "2 articles"


async def test_the_translator_localises_descriptions_for_pt_br_only() -> None:
    translator = CommandTranslator()
    described = app_commands.locale_str(STRINGS["cmd.ask"][0], key="cmd.ask")
    where = app_commands.TranslationContext(app_commands.TranslationContextLocation.command_description, None)
    named = app_commands.TranslationContext(app_commands.TranslationContextLocation.command_name, None)
    assert await translator.translate(described, discord.Locale.brazil_portuguese, where) == STRINGS["cmd.ask"][1]
    assert await translator.translate(described, discord.Locale.french, where) is None
    assert await translator.translate(app_commands.locale_str("ask"), discord.Locale.brazil_portuguese, named) is None
