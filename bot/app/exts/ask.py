"""Questions: mentions, DMs, replies to the bot's answers, answer channels, and ``/ask``.

Every answer is one embed (the question as its title, the direct answer, the quotes with their
gloss and sources) in the question's language, with a delete button for the asker. Mentions and
``/ask`` share the per-user cooldown. Notices (the cooldown, a bare mention, an error) are
private for ``/ask`` and delete themselves after a few seconds for mentions.

A message may be a follow-up ("and Shoigu?", "e quando foi isso?"): it is resolved against the
answer it replies to, its thread's starter answer, or the asker's last question in the channel
(:mod:`bot.app.followups`), and the answer says what it was understood as. ``/ask`` has no reply
context, so it is never resolved; but its answers can be replied to.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.buttons import delete_view
from bot.app.client import NO_MENTIONS, BriefingBot, bot_of, defer_thinking, send_followup, typing_in
from bot.app.cooldown import cooldown_check, wait_text
from bot.app.followups import AnsweredMessages, FollowUpContext, conversation_key
from bot.app.formatting import answer_embeds, text_choices, with_late_note
from bot.app.strings import Lang, command_str, lang_of_locale, reply_lang, text
from bot.briefing import FollowUps, turn_of
from bot.config import Settings
from bot.gloss import glosses_for
from bot.language import detect_language
from bot.questions import MAX_QUESTION_CHARS, QuestionError, clean_text

if TYPE_CHECKING:
    from bot.answering import Answerer, Result
    from bot.followup import Turn

log = logging.getLogger(__name__)

_ANSWERED_TYPES = (discord.MessageType.default, discord.MessageType.reply)


@dataclass(frozen=True, slots=True)
class Composed:
    """An answer ready to render: the result, the glosses of its quotes, the reply language."""

    result: Result
    glosses: dict[str, str]
    lang: Lang
    asked: str | None = None  # what was typed, when it was a follow-up understood as result.question

    def messages(self, max_quotes: int) -> list[list[discord.Embed]]:
        """The answer's messages (each a list of embeds)."""
        return answer_embeds(self.result, max_quotes=max_quotes, glosses=self.glosses, lang=self.lang,
                             asked=self.asked)


def compose_answer(answerer: Answerer, question: str, settings: Settings, lang: Lang = "en", *,
                   followups: FollowUps | None = None, key: Hashable = None,
                   previous: Turn | None = None) -> Composed:
    """Answer ``question`` and gloss its quotes (blocking: run it in a worker thread).

    ``lang`` is the reply language when the question's own cannot be told. With ``followups``,
    ``question`` may lean on ``previous`` (else on the last question of conversation ``key``); it
    is then answered in the language of the whole question it was understood as.
    """
    limit = settings.discord.max_quotes
    asked = None
    if followups is not None:
        understood, result = followups.ask(key, question, limit=limit, previous=previous)
        asked = question if understood.is_followup else None
    else:
        result = answerer.ask(question, limit=limit)
    glosses = glosses_for(answerer, result, limit, settings.aliases) if settings.discord.gloss else {}
    return Composed(result, glosses, reply_lang(result.lang, lang), asked)


def strip_mentions_of(content: str, user_id: int) -> str:
    """``content`` without mentions of ``user_id``, whitespace collapsed."""
    return " ".join(re.sub(rf"<@!?{user_id}>", " ", content).split())


def message_lang(message: discord.Message, content: str) -> Lang:
    """The language to talk to a message's author in: the message's own, else the server's locale."""
    fallback = lang_of_locale(message.guild.preferred_locale) if message.guild is not None else "en"
    return reply_lang(detect_language(content), fallback) if content else fallback


class Ask(commands.Cog):
    """Answers questions by quoting the corpus."""

    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot
        #: Conversations (channel/thread and user) and the last question of each, for follow-ups.
        self.followups = FollowUps(bot.answerer, ttl_seconds=60.0 * bot.settings.discord.followup_minutes)
        #: Which question each answer message answered (a reply to it leans on that question).
        self.answered = AnsweredMessages()
        self.context = FollowUpContext(self.answered, self.followups.conversations)

    # --- messages ------------------------------------------------------------------------------

    def addressed_to_me(self, message: discord.Message) -> str | None:
        """Why ``message`` is for the bot: "dm", "mention", "reply" or "channel" (answer channel), or None."""
        me = self.bot.user
        if me is None or message.author.bot or message.author.id == me.id:
            return None
        if message.type not in _ANSWERED_TYPES:
            return None
        if message.guild is None:
            return "dm"
        if any(user.id == me.id for user in message.mentions):
            return "mention"
        reference = message.reference
        if (reference is not None and isinstance(reference.resolved, discord.Message)
                and reference.resolved.author.id == me.id):
            return "reply"
        channels = self.bot.settings.discord.answer_channels.get(message.guild.id, ())
        parent_id = getattr(message.channel, "parent_id", None)
        if message.channel.id in channels or (parent_id is not None and parent_id in channels):
            return "channel"
        return None

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer a message addressed to the bot with a reply quoting the corpus."""
        why = self.addressed_to_me(message)
        if why is None:
            return
        if await self.bot.owner_command(message) is not None:
            return  # an owner command such as "@bot sync", run by the bot's own on_message
        me = self.bot.user
        assert me is not None  # addressed_to_me() checked it
        question = strip_mentions_of(message.content, me.id)
        lang = message_lang(message, question)
        if not question:
            if why != "channel":  # chatter without text in an answer channel is left alone
                await self.notice(message, text("empty_question", lang))
            return
        retry_after = self.bot.question_cooldown.update_rate_limit(message.author)
        if retry_after is not None:
            await self.notice(message, wait_text(retry_after, lang))
            return
        try:
            async with typing_in(message.channel):
                previous = await self.context.previous(message, me.id)
                composed = await asyncio.to_thread(
                    compose_answer, self.bot.answerer, question, self.bot.settings, lang,
                    followups=self.followups, key=conversation_key(message), previous=previous,
                )
        except QuestionError:  # too long: say so (an empty one was caught above)
            count = len(clean_text(question))
            await self.notice(message, text("too_long", lang, count=f"{count:,}", limit=f"{MAX_QUESTION_CHARS:,}"))
            return
        except Exception:
            log.exception("answering a message from %s failed", message.author.id)
            await self.notice(message, text("failed", lang))
            return
        self.remember(await self.reply(message, composed), composed.result)

    def remember(self, messages: Sequence[discord.Message | discord.WebhookMessage], result: Result) -> None:
        """Remember that ``messages`` (one answer's) answered ``result``'s question."""
        turn = turn_of(result)
        for sent in messages:
            self.answered.put(sent.id, turn)

    async def notice(self, message: discord.Message, content: str) -> None:
        """A short reply to ``message`` that deletes itself after a few seconds."""
        delivery = self.bot.delivery
        await delivery.send(
            f"notice to {message.author.id}",
            lambda late: message.channel.send(
                content, reference=message.to_reference(fail_if_not_exists=False), mention_author=False,
                allowed_mentions=NO_MENTIONS, delete_after=self.bot.notice_seconds,
            ),
            deadline=3 * self.bot.notice_seconds,
        )

    async def reply(self, message: discord.Message, composed: Composed) -> list[discord.Message]:
        """Send the answer as a reply to ``message`` (retried when Discord fails); returns the messages sent."""
        delivery = self.bot.delivery
        pages = composed.messages(self.bot.settings.discord.max_quotes)
        sent: list[discord.Message] = []
        for n, embeds in enumerate(pages):
            reference = message.to_reference(fail_if_not_exists=False) if n == 0 else None

            def attempt(late: bool, embeds: list[discord.Embed] = embeds,
                        reference: discord.MessageReference | None = reference) -> Awaitable[discord.Message]:
                return message.channel.send(
                    embeds=with_late_note(embeds, composed.lang) if late else embeds, reference=reference,
                    mention_author=False, allowed_mentions=NO_MENTIONS,
                    view=delete_view(message.author.id, composed.lang),
                )

            posted = await delivery.send(f"answer to {message.author.id}", attempt,
                                         deadline=delivery.policy.channel_deadline)
            if posted is not None:
                sent.append(posted)
        return sent

    async def answer(self, question: str, lang: Lang = "en") -> Composed:
        """The answer to ``question``, computed in a worker thread."""
        return await asyncio.to_thread(compose_answer, self.bot.answerer, question, self.bot.settings, lang)

    # --- /ask ----------------------------------------------------------------------------------

    @app_commands.command(name="ask", description=command_str("cmd.ask"))
    @app_commands.describe(question=command_str("cmd.ask.question"))
    @app_commands.check(cooldown_check(lambda interaction: bot_of(interaction).question_cooldown))
    async def ask(self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 500]) -> None:
        """Answer ``question`` (deferred, then a follow-up with the answer embed)."""
        if not await defer_thinking(interaction):
            return
        composed = await self.answer(question, lang_of_locale(interaction.locale))
        sent = []
        for embeds in composed.messages(self.bot.settings.discord.max_quotes):
            posted = await send_followup(interaction, "answer to /ask", lambda late, embeds=embeds: {
                "embeds": with_late_note(embeds, composed.lang) if late else embeds,
                "view": delete_view(interaction.user.id, composed.lang),
            })
            if posted is not None:
                sent.append(posted)
        # A reply to the answer leans on it; so does the asker's next message in this channel.
        self.remember(sent, composed.result)
        if interaction.channel_id is not None:
            self.followups.remember((interaction.channel_id, interaction.user.id), composed.result)

    @ask.autocomplete("question")
    async def ask_autocomplete(self, interaction: discord.Interaction,
                               current: str) -> list[app_commands.Choice[str]]:
        """Whole questions around the names being typed, and headlines (examples when nothing is typed)."""
        lang = lang_of_locale(interaction.locale)
        suggestions = await asyncio.to_thread(self.bot.answerer.suggest, current, 25, lang)
        return text_choices(suggestions)


async def setup(bot: BriefingBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Ask(bot))
