"""Localised slash commands: the descriptions Discord shows a Portuguese (pt-BR) user.

Installed with ``tree.set_translator`` before the commands are synced, so the synced payload
carries ``description_localizations`` for ``pt-BR``. Command and option *names* stay English:
they are what the README, the help and other users type.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.app.strings import STRINGS

_LOCALISED = (
    app_commands.TranslationContextLocation.command_description,
    app_commands.TranslationContextLocation.parameter_description,
)


class CommandTranslator(app_commands.Translator):
    """Brazilian Portuguese descriptions from :data:`bot.app.strings.STRINGS`."""

    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        """The pt-BR text of a description that has a catalogue key; None for anything else."""
        if locale is not discord.Locale.brazil_portuguese or context.location not in _LOCALISED:
            return None
        key = string.extras.get("key")
        if key not in STRINGS:
            return None
        return STRINGS[key][1]
