"""The delete button under every answer: the asker (or a moderator) can remove the bot's reply.

A :class:`discord.ui.DynamicItem`: the asker's id travels in the button's ``custom_id``
(``briefing:delete:<user id>``), so the button keeps working after a restart and the bot keeps
no state per message. Register it once with ``bot.add_dynamic_items(DeleteButton)``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.app.strings import lang_of_locale, text

log = logging.getLogger(__name__)

DELETE_EMOJI = "🗑️"


def can_moderate(interaction: discord.Interaction) -> bool:
    """Members who may manage messages in the channel may delete anyone's answer."""
    return isinstance(interaction.user, discord.Member) and interaction.permissions.manage_messages


async def refuse(interaction: discord.Interaction, key: str) -> None:
    """A private "this is not yours" note in the presser's language."""
    await interaction.response.send_message(text(key, lang_of_locale(interaction.locale)), ephemeral=True,
                                            allowed_mentions=discord.AllowedMentions.none())


async def delete_reply(interaction: discord.Interaction) -> None:
    """Delete the message whose button was pressed (through the interaction: no channel permission needed)."""
    await interaction.response.defer()
    try:
        await interaction.delete_original_response()
    except discord.NotFound:
        log.debug("the answer was already deleted")


class DeleteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"briefing:delete:(?P<owner>\d+)"):
    """🗑️ Delete: removes the answer it is attached to, for the person who asked or a moderator."""

    def __init__(self, owner_id: int, lang: str = "en") -> None:
        super().__init__(discord.ui.Button(
            label=text("delete", lang), emoji=DELETE_EMOJI, style=discord.ButtonStyle.secondary,
            custom_id=f"briefing:delete:{owner_id}",
        ))
        self.owner_id = owner_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button[Any],
                             match: re.Match[str], /) -> DeleteButton:
        """Rebuild the button from a press: the owner comes from the custom id."""
        return cls(int(match["owner"]), lang_of_locale(interaction.locale))

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """The asker and moderators pass; anyone else is told privately."""
        if interaction.user.id == self.owner_id or can_moderate(interaction):
            return True
        await refuse(interaction, "delete_not_yours")
        return False

    async def callback(self, interaction: discord.Interaction) -> None:
        """Delete the answer."""
        await delete_reply(interaction)


def delete_view(owner_id: int, lang: str = "en") -> discord.ui.View:
    """A view holding only the delete button (never times out; nothing is kept per message)."""
    view = discord.ui.View(timeout=None)
    view.add_item(DeleteButton(owner_id, lang))
    return view
