"""A previous/next button view over a list of embeds; only the person who asked can turn pages."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord

log = logging.getLogger(__name__)

NOT_YOURS = "Only the person who ran the command can turn these pages — run it yourself to browse."


class Paginator(discord.ui.View):
    """Shows ``pages[index]`` with previous/next buttons; the buttons are removed on timeout."""

    def __init__(self, pages: Sequence[discord.Embed], owner_id: int, timeout: float = 180.0) -> None:
        if not pages:
            raise ValueError("a paginator needs at least one page")
        super().__init__(timeout=timeout)
        self.pages = list(pages)
        self.owner_id = owner_id
        self.index = 0
        #: The message showing the pages, so the buttons can be removed when the view times out.
        self.message: discord.Message | discord.WebhookMessage | discord.InteractionMessage | None = None
        self._update_buttons()

    @property
    def page(self) -> discord.Embed:
        """The embed currently shown."""
        return self.pages[self.index]

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Only the command's invoker may page; everyone else gets a private note."""
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(NOT_YOURS, ephemeral=True,
                                                allowed_mentions=discord.AllowedMentions.none())
        return False

    @discord.ui.button(label="Previous", emoji="◀️", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        """Show the page before."""
        await self.turn(interaction, -1)

    @discord.ui.button(label="Next", emoji="▶️", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        """Show the page after."""
        await self.turn(interaction, +1)

    async def turn(self, interaction: discord.Interaction, step: int) -> None:
        """Move ``step`` pages (clamped) and edit the message in place."""
        self.index = min(max(self.index + step, 0), len(self.pages) - 1)
        self._update_buttons()
        await interaction.response.edit_message(embed=self.page, view=self)

    def _update_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    async def on_timeout(self) -> None:
        """Remove the buttons so nobody presses a dead one."""
        if self.message is None:
            return
        try:
            await self.message.edit(view=None)
        except discord.HTTPException as exc:
            log.debug("could not remove expired page buttons: %s", exc)
