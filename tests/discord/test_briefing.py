"""End-to-end: the briefing tools in Discord, over the bundled seeds, through the local fake Discord.

The direct answer line of several kinds, ``/timeline`` (order, pages, undated page, date
filter, bad dates, autocomplete), ``/who`` (the Lavrov and Shoigu cards, a name not in the
corpus, autocomplete), and follow-up questions in a reply, in a thread, by conversation, after
a restart (from the answer's own embed) and to a ``/ask`` answer.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest

from bot.app.client import BriefingBot
from bot.config import Settings
from tests.discord.conftest import StartBot
from tests.discord.fake_discord import CHANNEL_ID, FakeDiscord, Request
from tests.discord.test_e2e import (
    ALICE,
    BOB,
    callback,
    channel_post,
    delete_button,
    described,
    embed,
    followup,
    no_cooldowns,
)

LAVROV_QUESTION = "When did Lavrov visit Pyongyang?"


async def ask_by_mention(fake: FakeDiscord, question: str, *, author: dict[str, Any] = ALICE,
                         channel_id: int = CHANNEL_ID, **options: Any) -> Request:
    """Mention the bot with ``question``; the bot's reply."""
    mark = fake.mark()
    await fake.send_message(question, author=author, mention_bot=True, channel_id=channel_id, **options)
    return await fake.wait_for_request(channel_post(channel_id), since=mark)


async def reply_to(fake: FakeDiscord, answer: dict[str, Any], text: str, *,
                   author: dict[str, Any] = ALICE) -> Request:
    """Reply (no mention) to the bot's message ``answer``; the bot's reply."""
    mark = fake.mark()
    await fake.send_message(text, author=author, referenced=answer, channel_id=int(answer["channel_id"]))
    return await fake.wait_for_request(channel_post(int(answer["channel_id"])), since=mark)


def posted(fake: FakeDiscord, request: Request) -> dict[str, Any]:
    """The message a channel POST created."""
    channel = request.path.split("/")[2]
    return next(m for m in fake.messages.values()
                if m["channel_id"] == channel and m["embeds"] == request.json["embeds"])


def lines(request: Request) -> list[str]:
    return described(request).split("\n")


# --- the direct answer line ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "first_line"),
    [
        (LAVROV_QUESTION, "📅 **Wednesday 18 October 2023**"),
        ("Quando Lavrov chegou à Coreia do Norte?", "📅 **quarta-feira, 18 de outubro de 2023**"),
        ("When did Shoigu visit North Korea?", "📅 **julho do ano passado — undated article**"),
        ("Quando Shoigu visitou a Coreia do Norte?", "📅 **julho do ano passado — notícia sem data**"),
        ("Who did Kim Jong Un meet?", "👤 **Sergei Shoigu**"),
        ("Quem é John Kirby?", "💼 **porta-voz do Conselho de Segurança Nacional da Casa Branca**"),
        ("Where did Lavrov arrive?", "📍 **Coreia do Norte**"),
        ("How many containers did North Korea send to Russia?", "🔢 **1.000 contêineres**"),
        ("How long did Lavrov's visit last?", "⏱️ **dois dias**"),
    ],
)
async def test_direct_answer_line_of_each_kind(bot: BriefingBot, fake: FakeDiscord, question: str,
                                               first_line: str) -> None:
    reply = await ask_by_mention(fake, question)
    assert lines(reply)[0] == first_line
    assert lines(reply)[1] == "" and lines(reply)[2].startswith("> ")  # then the quote


async def test_no_direct_line_for_an_unsure_answer(bot: BriefingBot, fake: FakeDiscord) -> None:
    reply = await ask_by_mention(fake, "who won the 1970 football world cup final in Mexico?")
    assert lines(reply)[0].startswith("❔ ")


# --- /timeline ---------------------------------------------------------------------------------


async def test_timeline_pages_events_in_order_then_the_undated(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.slash("timeline", {"topic": "Coreia do Norte"}, user=ALICE)
    first = await fake.wait_for_request(followup)
    deferred = fake.find(callback())
    assert [r.json["type"] for r in deferred] == [5] and not deferred[0].flags & 64  # public, deferred
    page = first.json["embeds"][0]
    assert page["title"] == "Timeline: Coreia do Norte"
    heads = [line for line in page["description"].split("\n") if line.startswith("**")]
    assert heads == ["**1. September 2023**", "**2. Fri 13 Oct 2023**", "**3. Tue 17 Oct 2023**",
                     "**4. Wed 18 Oct 2023**"]
    assert "trem blindado" in page["description"] and "chegou à Coreia do Norte" in page["description"]
    assert page["footer"]["text"] == "Page 1/2 · 4 dated events · 4 undated"
    buttons = first.json["components"][0]["components"]
    assert buttons[2]["label"] == "1/2"
    message = fake.message(fake.interactions[first.path.split("/")[-1]]["original"])

    mark = fake.mark()
    await fake.press(message, buttons[3]["custom_id"], user=ALICE)
    turned = await fake.wait_for_request(callback(7), since=mark)
    undated = turned.json["data"]["embeds"][0]
    assert undated["title"] == "Timeline: Coreia do Norte — undated articles"
    assert "**5. undated** · “no sábado”" in undated["description"]
    assert "“até maio”, “em julho do ano passado”" in undated["description"]
    assert "Reuters via Brasil 247" in undated["description"]  # the source of each event
    assert "2023" not in undated["description"].split("\n")[2]  # an undated event is never given a date


async def test_timeline_in_portuguese_and_within_a_date_range(bot: BriefingBot, fake: FakeDiscord) -> None:
    no_cooldowns(bot)
    payload = fake.interaction_payload(
        2, fake.command_data("timeline", {"topic": "North Korea", "since": "2023-10-14", "until": "2023-10"}),
        user=ALICE, locale="pt-BR")
    await fake.dispatch("INTERACTION_CREATE", payload)
    shown = await fake.wait_for_request(followup)
    page = embed(shown)
    assert page["title"] == "Linha do tempo: North Korea · 14 de outubro de 2023 – outubro de 2023"
    heads = [line for line in page["description"].split("\n") if line.startswith("**")]
    assert heads == ["**1. ter 17 out 2023**", "**2. qua 18 out 2023**"]  # nothing undated within a range
    assert page["footer"]["text"] == "Página 1/1 · 2 eventos datados"
    assert delete_button(shown)  # one page: a delete button, no page buttons


@pytest.mark.parametrize(("options", "expected"), [
    ({"since": "yesterday"}, "“yesterday” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"),
    ({"until": "2023-13"}, "“2023-13” is not a date"),
    ({"since": "2023-11", "until": "2023-10-18"}, "The range ends before it starts: 2023-11 is after 2023-10-18."),
])
async def test_timeline_bad_dates_are_refused_privately(bot: BriefingBot, fake: FakeDiscord,
                                                       options: dict[str, str], expected: str) -> None:
    await fake.slash("timeline", {"topic": "Coreia do Norte", **options}, user=ALICE)
    refused = await fake.wait_for_request(callback())
    assert refused.json["type"] == 4 and refused.flags & 64  # private, and nothing was deferred publicly
    assert expected in refused.json["data"]["content"]
    assert not fake.find(followup)


async def test_timeline_of_nothing_is_a_private_notice(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.slash("timeline", {"topic": "Copa do Mundo de futebol"}, user=ALICE)
    notice = await fake.wait_for_request(followup)
    assert notice.flags & 64 and "report no event about “Copa do Mundo de futebol”" in notice.json["content"]
    # The public "thinking…" was deleted first, so the notice is private.
    assert fake.find(lambda r: r.method == "DELETE" and r.path.endswith("/messages/@original"))


async def test_timeline_shares_the_browse_cooldown(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.slash("search", {"terms": "Coreia do Norte"}, user=ALICE)
    await fake.wait_for_request(followup)
    mark = fake.mark()
    await fake.slash("timeline", {"topic": "Coreia do Norte"}, user=ALICE)
    refused = await fake.wait_for_request(callback(), since=mark)
    assert refused.json["type"] == 4 and refused.flags & 64 and "try again in" in refused.json["data"]["content"]


async def test_timeline_autocomplete_offers_the_names_the_corpus_mentions(bot: BriefingBot,
                                                                          fake: FakeDiscord) -> None:
    await fake.autocomplete("timeline", {"topic": "Corei"}, "topic", user=ALICE)
    sent = await fake.wait_for_request(callback(8))
    values = [c["value"] for c in sent.json["data"]["choices"]]
    assert values[:2] == ["Corei", "Coreia do Norte"]
    mark = fake.mark()
    await fake.autocomplete("timeline", {"topic": ""}, "topic", user=ALICE)
    sent = await fake.wait_for_request(callback(8), since=mark)
    values = [c["value"] for c in sent.json["data"]["choices"]]
    assert values[0] == "Coreia do Norte" and 1 <= len(values) <= 25  # the most mentioned first


# --- /who ----------------------------------------------------------------------------------------


async def test_who_cards_of_lavrov_and_shoigu(bot: BriefingBot, fake: FakeDiscord) -> None:
    no_cooldowns(bot)
    await fake.slash("who", {"name": "Lavrov"}, user=ALICE)
    shown = await fake.wait_for_request(followup)
    assert fake.find(callback())[0].json["type"] == 5
    card = embed(shown)
    assert card["title"] == "Serguei Lavrov"
    assert card["description"].startswith("• ministro russo das Relações Exteriores — **O ministro russo")
    fields = {f["name"]: f["value"] for f in card["fields"]}
    assert fields["Also written"] == "Lavrov"
    assert fields["First and last seen"] == "October 2023"
    assert fields["In the articles"] == "1 article · 2 sentences"
    assert "Coreia do Norte" in fields["Appears with"]
    assert delete_button(shown)

    mark = fake.mark()
    payload = fake.interaction_payload(2, fake.command_data("who", {"name": "shoygu"}), user=ALICE, locale="pt-BR")
    await fake.dispatch("INTERACTION_CREATE", payload)
    card = embed(await fake.wait_for_request(followup, since=mark))
    assert card["title"] == "Sergei Shoigu"  # the typo found him
    assert "• secretário do Conselho de Segurança da Rússia — **Reuters via Brasil 247**" in card["description"]
    assert "que foi ministro da Defesa da Rússia até maio" in card["description"]
    fields = {f["name"]: f["value"] for f in card["fields"]}
    assert fields["Primeira e última menção"] == "só em notícias sem data"  # his only article is undated
    assert fields["Nas notícias"].startswith("1 notícia · ")
    assert "Kim Jong Un" in fields["Aparece com"]


async def test_who_of_a_name_not_in_the_corpus_is_private(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.slash("who", {"name": "Fulano Beltrano"}, user=ALICE)
    notice = await fake.wait_for_request(followup)
    assert notice.flags & 64 and notice.json["content"] == "The articles do not mention “Fulano Beltrano”."
    assert fake.message(max(fake.messages))["flags"] & 64


async def test_who_autocomplete_people_first(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.autocomplete("who", {"name": "shoig"}, "name", user=ALICE)
    sent = await fake.wait_for_request(callback(8))
    assert [c["value"] for c in sent.json["data"]["choices"]] == ["shoig", "Sergei Shoigu"]
    mark = fake.mark()
    await fake.autocomplete("who", {"name": ""}, "name", user=ALICE)
    values = [c["value"] for c in (await fake.wait_for_request(callback(8), since=mark)).json["data"]["choices"]]
    assert values.index("Sergei Shoigu") < values.index("Coreia do Norte")  # people before places


# --- follow-ups ----------------------------------------------------------------------------------


async def test_followup_in_a_reply_leans_on_the_answer_replied_to(bot: BriefingBot, fake: FakeDiscord) -> None:
    no_cooldowns(bot)
    first = await ask_by_mention(fake, LAVROV_QUESTION)
    await ask_by_mention(fake, "Who did Kim Jong Un meet?")  # the conversation moved on; the reply does not
    reply = await reply_to(fake, posted(fake, first), "and Shoigu?")
    answer = embed(reply)
    assert answer["title"] == "and Shoigu?"  # what was typed
    assert lines(reply)[:2] == ["↪️ *Understood as: When did Shoigu visit Pyongyang?*",
                                "📅 **julho do ano passado — undated article**"]
    assert "Shoigu" in described(reply)


async def test_followup_by_conversation_expires_and_is_per_user(start_bot: StartBot, fake: FakeDiscord,
                                                                settings: Settings) -> None:
    bot = await start_bot()
    no_cooldowns(bot)
    await ask_by_mention(fake, "Quando Lavrov chegou à Coreia do Norte?")
    mine = await ask_by_mention(fake, "e o Shoigu?")
    assert lines(mine)[0] == "↪️ *Entendi como: Quando Shoigu chegou à Coreia do Norte?*"
    theirs = await ask_by_mention(fake, "e o Shoigu?", author=BOB)  # Bob asked nothing before
    assert not described(theirs).startswith("↪️")
    await bot.close()

    never = dataclasses.replace(settings, discord=dataclasses.replace(settings.discord, followup_minutes=0))
    bot = await start_bot(settings=never)
    no_cooldowns(bot)
    first = await ask_by_mention(fake, LAVROV_QUESTION)
    assert not described(await ask_by_mention(fake, "and Shoigu?")).startswith("↪️")  # forgotten at once
    assert described(await reply_to(fake, posted(fake, first), "and Shoigu?")).startswith("↪️")  # a reply still


async def test_followup_of_a_followup_and_who_else(bot: BriefingBot, fake: FakeDiscord) -> None:
    no_cooldowns(bot)
    first = await ask_by_mention(fake, LAVROV_QUESTION)
    second = await reply_to(fake, posted(fake, first), "and Shoigu?")
    third = await reply_to(fake, posted(fake, second), "who else was there?")
    assert lines(third)[0] == "↪️ *Understood as: Who else did Shoigu visit Pyongyang?*"
    # "who else" leaves out the quotes already given.
    given = next(line for line in lines(second) if line.startswith("> "))
    assert given not in described(third)


async def test_followup_in_a_thread_started_from_an_answer(bot: BriefingBot, fake: FakeDiscord) -> None:
    no_cooldowns(bot)
    first = await ask_by_mention(fake, LAVROV_QUESTION)
    thread = await fake.create_thread(posted(fake, first), owner=ALICE)
    thread_id = int(thread["id"])
    reply = await ask_by_mention(fake, "and Shoigu?", channel_id=thread_id)
    assert reply.path == f"/channels/{thread_id}/messages"
    assert lines(reply)[0] == "↪️ *Understood as: When did Shoigu visit Pyongyang?*"
    # The next follow-up in the thread leans on the asker's last question there.
    again = await ask_by_mention(fake, "e quando foi isso?", channel_id=thread_id)
    assert lines(again)[0] == "↪️ *Understood as: When did Shoigu visit Pyongyang?*"  # the question's language
    # Another user in the thread starts from the thread's starter answer.
    bob = await ask_by_mention(fake, "and Kim Jong Un?", author=BOB, channel_id=thread_id)
    assert lines(bob)[0] == "↪️ *Understood as: When did Kim Jong Un visit Pyongyang?*"


async def test_after_a_restart_the_answer_itself_says_its_question(start_bot: StartBot, fake: FakeDiscord) -> None:
    bot = await start_bot()
    no_cooldowns(bot)
    first = await ask_by_mention(fake, LAVROV_QUESTION)
    answer = posted(fake, first)
    second = await reply_to(fake, answer, "and Shoigu?")
    followed = posted(fake, second)
    thread = await fake.create_thread(answer, owner=ALICE)
    await bot.close()

    bot = await start_bot()  # a new process: nothing remembered
    no_cooldowns(bot)
    assert len(bot.get_cog("Ask").answered) == 0  # type: ignore[union-attr, arg-type]
    again = await reply_to(fake, answer, "and Kim Jong Un?")  # the title is the question
    assert lines(again)[0] == "↪️ *Understood as: When did Kim Jong Un visit Pyongyang?*"
    chained = await reply_to(fake, followed, "e quando foi isso?")  # the "Understood as" line, not the title
    assert lines(chained)[0] == "↪️ *Understood as: When did Shoigu visit Pyongyang?*"
    mark = fake.mark()
    in_thread = await ask_by_mention(fake, "and Shoigu?", author=BOB, channel_id=int(thread["id"]))
    assert fake.find(lambda r: r.method == "GET" and r.path == f"/channels/{CHANNEL_ID}/messages/{answer['id']}",
                     since=mark)  # the thread's starter answer, fetched
    assert lines(in_thread)[0] == "↪️ *Understood as: When did Shoigu visit Pyongyang?*"


async def test_a_reply_to_a_listing_or_card_is_no_followup(bot: BriefingBot, fake: FakeDiscord) -> None:
    no_cooldowns(bot)
    await fake.slash("who", {"name": "Lavrov"}, user=ALICE)
    shown = await fake.wait_for_request(followup)
    card = fake.message(fake.interactions[shown.path.split("/")[-1]]["original"])
    reply = await reply_to(fake, card, "and Shoigu?")
    assert not described(reply).startswith("↪️")


async def test_a_reply_to_an_ask_answer_is_a_followup(bot: BriefingBot, fake: FakeDiscord) -> None:
    no_cooldowns(bot)
    await fake.slash("ask", {"question": LAVROV_QUESTION}, user=ALICE)
    answered = await fake.wait_for_request(followup)
    answer = fake.message(fake.interactions[answered.path.split("/")[-1]]["original"])
    reply = await reply_to(fake, answer, "and Shoigu?", author=BOB)
    assert lines(reply)[0] == "↪️ *Understood as: When did Shoigu visit Pyongyang?*"
    # /ask itself has no reply context: a whole question as /ask is answered as asked.
    mark = fake.mark()
    await fake.slash("ask", {"question": "and Shoigu?"}, user=BOB)
    plain = await fake.wait_for_request(followup, since=mark)
    assert embed(plain)["title"] == "and Shoigu?" and not described(plain).startswith("↪️")


async def test_a_failing_starter_fetch_delays_no_answer_and_is_tried_again(start_bot: StartBot,
                                                                            fake: FakeDiscord) -> None:
    bot = await start_bot()
    no_cooldowns(bot)
    answer = posted(fake, await ask_by_mention(fake, LAVROV_QUESTION))
    thread = await fake.create_thread(answer, owner=ALICE)
    await bot.close()
    bot = await start_bot()  # nothing remembered: the starter must be fetched
    no_cooldowns(bot)
    fake.fail("GET", rf"/channels/{CHANNEL_ID}/messages/{answer['id']}", status=500, times=20)
    started = asyncio.get_running_loop().time()
    plain = await ask_by_mention(fake, "and Shoigu?", channel_id=int(thread["id"]))
    assert asyncio.get_running_loop().time() - started < 10  # discord.py alone would retry for 25 s
    assert not described(plain).startswith("↪️")
    fake.heal()
    again = await ask_by_mention(fake, "and Shoigu?", author=BOB, channel_id=int(thread["id"]))
    assert lines(again)[0] == "↪️ *Understood as: When did Shoigu visit Pyongyang?*"  # looked up again
