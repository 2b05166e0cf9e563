"""A paginator over a list of embeds, as RoboDanny and Red do it.

First / previous / "page N of M" / next / last, a "Go to page…" button that asks for the page
in a modal, and a delete button. Only the person who ran the command turns the pages (a
moderator may delete); everyone else gets a private note. When the view times out the page
buttons go away and a lasting delete button (:class:`bot.app.buttons.DeleteButton`) stays.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import discord

from bot.app.buttons import DELETE_EMOJI, can_moderate, delete_reply, delete_view, refuse
from bot.app.client import NO_MENTIONS, bot_of, send_followup
from bot.app.formatting import BUTTON_LABEL_LIMIT, truncate
from bot.app.strings import text

log = logging.getLogger(__name__)

_NO_MENTIONS = discord.AllowedMentions.none()


class Paginator(discord.ui.View):
    """Shows ``pages[index]`` with page buttons; ``message`` must be set once the first page is sent."""

    def __init__(self, pages: Sequence[discord.Embed], owner_id: int, *, lang: str = "en",
                 timeout: float = 180.0) -> None:
        if not pages:
            raise ValueError("a paginator needs at least one page")
        super().__init__(timeout=timeout)
        self.pages = list(pages)
        self.owner_id = owner_id
        self.lang = lang
        self.index = 0
        #: The message showing the pages, so the buttons can be replaced when the view times out.
        self.message: discord.Message | discord.WebhookMessage | discord.InteractionMessage | None = None
        self.jump.label = _label(text("jump", lang))
        self.delete.label = _label(text("delete", lang))
        self._update_buttons()

    @property
    def page(self) -> discord.Embed:
        """The embed currently shown."""
        return self.pages[self.index]

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """The invoker may do anything; a moderator may only delete; everyone else is told privately."""
        if interaction.user.id == self.owner_id:
            return True
        pressed = (interaction.data or {}).get("custom_id")
        if pressed == self.delete.custom_id and can_moderate(interaction):
            return True
        await refuse(interaction, "pages_not_yours" if pressed != self.delete.custom_id else "delete_not_yours")
        return False

    @discord.ui.button(emoji="⏮️", style=discord.ButtonStyle.secondary, row=0)
    async def first(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        """Show the first page."""
        await self.show(interaction, 0)

    @discord.ui.button(emoji="◀️", style=discord.ButtonStyle.secondary, row=0)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        """Show the page before."""
        await self.show(interaction, self.index - 1)

    @discord.ui.button(label="1/1", style=discord.ButtonStyle.primary, disabled=True, row=0)
    async def current(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        """The page indicator (never enabled)."""

    @discord.ui.button(emoji="▶️", style=discord.ButtonStyle.secondary, row=0)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        """Show the page after."""
        await self.show(interaction, self.index + 1)

    @discord.ui.button(emoji="⏭️", style=discord.ButtonStyle.secondary, row=0)
    async def last(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        """Show the last page."""
        await self.show(interaction, len(self.pages) - 1)

    @discord.ui.button(emoji="🔢", style=discord.ButtonStyle.secondary, row=1)
    async def jump(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        """Ask for a page number in a modal."""
        await interaction.response.send_modal(JumpModal(self))

    @discord.ui.button(emoji=DELETE_EMOJI, style=discord.ButtonStyle.secondary, row=1)
    async def delete(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        """Delete the listing."""
        self.stop()
        await delete_reply(interaction)

    async def show(self, interaction: discord.Interaction, index: int) -> None:
        """Show page ``index`` (clamped) by editing the message in place."""
        self.index = min(max(index, 0), len(self.pages) - 1)
        self._update_buttons()
        await interaction.response.edit_message(embed=self.page, view=self)

    def _update_buttons(self) -> None:
        at_start, at_end = self.index == 0, self.index >= len(self.pages) - 1
        self.first.disabled = self.previous.disabled = at_start
        self.next.disabled = self.last.disabled = at_end
        self.current.label = f"{self.index + 1}/{len(self.pages)}"
        self.jump.disabled = len(self.pages) < 3

    async def on_timeout(self) -> None:
        """Replace the page buttons by a lasting delete button, so nobody presses a dead one."""
        if self.message is None:
            return
        try:
            await self.message.edit(view=delete_view(self.owner_id, self.lang))
        except discord.HTTPException as exc:
            log.debug("could not remove expired page buttons: %s", exc)


class JumpModal(discord.ui.Modal):
    """"Go to page": one number between 1 and the page count."""

    def __init__(self, paginator: Paginator) -> None:
        lang, pages = paginator.lang, len(paginator.pages)
        super().__init__(title=text("jump_title", lang), timeout=120)
        self.paginator = paginator
        self.number: discord.ui.TextInput[Any] = discord.ui.TextInput(
            placeholder=f"1–{pages}", min_length=1, max_length=len(str(pages)), required=True,
        )
        self.add_item(discord.ui.Label(text=text("jump_label", lang, pages=pages), component=self.number))

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        """Go to the page typed, or say privately what a page is."""
        paginator = self.paginator
        value = self.number.value.strip()
        if not value.isdigit() or not 1 <= int(value) <= len(paginator.pages):
            await interaction.response.send_message(
                text("jump_invalid", paginator.lang, value=truncate(value, 20), pages=len(paginator.pages)),
                ephemeral=True, allowed_mentions=_NO_MENTIONS,
            )
            return
        await paginator.show(interaction, int(value) - 1)


async def send_pages(interaction: discord.Interaction, what: str, pages: Sequence[discord.Embed], lang: str, *,
                     timeout: float = 180.0) -> None:
    """Send ``pages`` as a follow-up of ``interaction``: the first page, with page buttons when there are more."""
    owner = interaction.user.id
    if len(pages) == 1:
        await send_followup(interaction, what, lambda late: {"embed": pages[0], "view": delete_view(owner, lang)})
        return
    view = Paginator(pages, owner_id=owner, lang=lang, timeout=timeout)

    async def attempt(late: bool) -> bool:
        view.message = await interaction.followup.send(embed=view.page, view=view, allowed_mentions=NO_MENTIONS,
                                                       wait=True)
        return True

    delivery = bot_of(interaction).delivery
    await delivery.send(what, attempt, deadline=delivery.policy.followup_deadline)
    interaction.extras.pop("thinking", None)


def _label(value: str) -> str:
    return truncate(value, BUTTON_LABEL_LIMIT)
