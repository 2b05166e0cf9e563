"""Buttons, paginators, modals and menus, pressed through the fake Discord with their owner checks."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.app.client import BriefingBot
from bot.config import Settings
from tests.discord.conftest import StartBot
from tests.discord.fake_discord import APP_ID, FakeDiscord, Request
from tests.discord.test_e2e import ALICE, BOB, LAVROV, callback, channel_post, delete_button, described, followup

MANAGE_MESSAGES = 1 << 13
LAVROV_ARTICLE = "000_a7028091738e38a3.txt"


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A message's buttons by what they do (first, previous, current, next, last, jump, delete)."""
    rows = message["components"]
    found = [b for row in rows for b in row["components"]]
    if len(found) == 1:
        return {"delete": found[0]}
    return dict(zip(("first", "previous", "current", "next", "last", "jump", "delete"), found, strict=True))


def original(fake: FakeDiscord, request: Request) -> dict[str, Any]:
    """The message a follow-up ended up in (the interaction's original response)."""
    return fake.message(fake.interactions[request.path.split("/")[-1]]["original"])


def webhook_delete(r: Request) -> bool:
    return r.method == "DELETE" and r.path.startswith(f"/webhooks/{APP_ID}/") and r.path.endswith("/@original")


# --- the delete button -----------------------------------------------------------------------------


async def test_only_the_asker_or_a_moderator_deletes_an_answer(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.send_message("when did Lavrov visit Pyongyang?", author=ALICE, mention_bot=True)
    reply = await fake.wait_for_request(channel_post())
    answer = fake.message(max(fake.messages))
    button = delete_button(reply)["custom_id"]

    mark = fake.mark()
    await fake.press(answer, button, user=BOB)
    refused = await fake.wait_for_request(callback(), since=mark)
    assert refused.json["type"] == 4 and refused.flags & 64
    assert "Only the person who asked" in refused.json["data"]["content"]
    assert int(answer["id"]) in fake.messages

    mark = fake.mark()
    await fake.press(answer, button, user=ALICE)
    deleted = await fake.wait_for_request(webhook_delete, since=mark)
    assert fake.find(callback(6), since=mark)  # acknowledged without a message
    assert int(answer["id"]) in fake.deleted and fake.requests.index(deleted) > mark


async def test_a_moderator_may_delete_an_answer_to_someone_else(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.slash("ask", {"question": "who did Kim Jong Un meet?"}, user=ALICE)
    sent = await fake.wait_for_request(followup)
    answer = original(fake, sent)
    mark = fake.mark()
    await fake.press(answer, delete_button(sent)["custom_id"], user=BOB, permissions=MANAGE_MESSAGES)
    await fake.wait_for_request(webhook_delete, since=mark)
    assert int(answer["id"]) in fake.deleted


async def test_the_delete_button_survives_a_restart(start_bot: StartBot, fake: FakeDiscord) -> None:
    first = await start_bot()
    await fake.send_message("when did Lavrov visit Pyongyang?", author=ALICE, mention_bot=True)
    reply = await fake.wait_for_request(channel_post())
    answer = fake.message(max(fake.messages))
    await first.close()
    await start_bot()  # a new process: nothing kept in memory about the answer
    mark = fake.mark()
    await fake.press(answer, delete_button(reply)["custom_id"], user=ALICE)
    await fake.wait_for_request(webhook_delete, since=mark)
    assert int(answer["id"]) in fake.deleted


# --- the paginator ---------------------------------------------------------------------------------


async def listing(start_bot: StartBot, fake: FakeDiscord, settings: Settings, **discord: Any) -> dict[str, Any]:
    """Start the bot with ``discord`` settings and run /search as Alice; the first page's message."""
    changed = dataclasses.replace(settings.discord, **discord)
    await start_bot(settings=dataclasses.replace(settings, discord=changed))
    await fake.slash("search", {"terms": "Coreia do Norte Rússia Kim Putin"}, user=ALICE)
    return original(fake, await fake.wait_for_request(followup))


def page_of(message: dict[str, Any]) -> tuple[int, int]:
    page, pages = buttons(message)["current"]["label"].split("/")
    return int(page), int(pages)


async def test_first_last_and_page_indicator(start_bot: StartBot, fake: FakeDiscord, settings: Settings) -> None:
    message = await listing(start_bot, fake, settings, search_page_size=1)
    first, pages = page_of(message)
    assert first == 1 and pages >= 3
    assert buttons(message)["first"]["disabled"] and buttons(message)["previous"]["disabled"]
    assert buttons(message)["current"]["disabled"]  # an indicator, not a button
    assert buttons(message)["delete"]["label"] == "Delete"
    mark = fake.mark()
    await fake.press(message, buttons(message)["last"]["custom_id"], user=ALICE)
    turned = await fake.wait_for_request(callback(7), since=mark)
    message = fake.message(message["id"])
    assert page_of(message) == (pages, pages)
    assert turned.json["data"]["embeds"][0]["footer"]["text"].startswith(f"Page {pages}/{pages}")
    assert buttons(message)["next"]["disabled"] and buttons(message)["last"]["disabled"]
    mark = fake.mark()
    await fake.press(message, buttons(message)["first"]["custom_id"], user=ALICE)
    await fake.wait_for_request(callback(7), since=mark)
    assert page_of(fake.message(message["id"])) == (1, pages)


async def test_go_to_page_asks_for_the_page_in_a_modal(start_bot: StartBot, fake: FakeDiscord,
                                                       settings: Settings) -> None:
    message = await listing(start_bot, fake, settings, search_page_size=1)
    _, pages = page_of(message)
    mark = fake.mark()
    await fake.press(message, buttons(message)["jump"]["custom_id"], user=ALICE)
    modal = (await fake.wait_for_request(callback(9), since=mark)).json["data"]
    assert modal["title"] == "Go to page"
    field = modal["components"][0]
    assert field["type"] == 18 and field["label"] == f"Page (1–{pages})"
    number = field["component"]["custom_id"]

    mark = fake.mark()
    await fake.submit_modal(message, modal, {number: "zero"}, user=ALICE)
    invalid = await fake.wait_for_request(callback(), since=mark)
    assert invalid.json["type"] == 4 and invalid.flags & 64 and "is not a page" in invalid.json["data"]["content"]

    mark = fake.mark()
    await fake.press(message, buttons(message)["jump"]["custom_id"], user=ALICE)
    modal = (await fake.wait_for_request(callback(9), since=mark)).json["data"]
    mark = fake.mark()
    await fake.submit_modal(message, modal, {modal["components"][0]["component"]["custom_id"]: str(pages - 1)},
                            user=ALICE)
    await fake.wait_for_request(callback(7), since=mark)
    assert page_of(fake.message(message["id"])) == (pages - 1, pages)


async def test_only_the_invoker_pages_and_a_moderator_may_delete(start_bot: StartBot, fake: FakeDiscord,
                                                                 settings: Settings) -> None:
    message = await listing(start_bot, fake, settings, search_page_size=1)
    for button in ("next", "last", "jump", "delete"):
        mark = fake.mark()
        await fake.press(message, buttons(message)[button]["custom_id"], user=BOB)
        refused = await fake.wait_for_request(callback(), since=mark)
        assert refused.json["type"] == 4 and refused.flags & 64, button
    assert page_of(fake.message(message["id"]))[0] == 1 and int(message["id"]) in fake.messages
    mark = fake.mark()
    await fake.press(message, buttons(message)["delete"]["custom_id"], user=BOB, permissions=MANAGE_MESSAGES)
    await fake.wait_for_request(webhook_delete, since=mark)
    assert int(message["id"]) in fake.deleted


async def test_labels_follow_the_users_language(start_bot: StartBot, fake: FakeDiscord, settings: Settings) -> None:
    changed = dataclasses.replace(settings.discord, sources_page_size=1)
    await start_bot(settings=dataclasses.replace(settings, discord=changed))
    await fake.slash("sources", {}, user=ALICE, locale="pt-BR")
    sent = await fake.wait_for_request(followup)
    assert sent.json["embeds"][0]["title"] == "Fontes"
    assert sent.json["embeds"][0]["footer"]["text"] == "Página 1/2 · 2 notícias"
    assert buttons(original(fake, sent))["delete"]["label"] == "Apagar"


# --- /article candidates and browse cooldown ----------------------------------------------------------


async def test_article_lists_candidates_when_the_match_is_not_clear(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.slash("article", {"id": "Coreia do Norte"}, user=ALICE)  # both articles are about it
    listed = await fake.wait_for_request(callback())
    assert listed.json["type"] == 4 and listed.flags & 64  # private: only the asker picks
    assert "Several articles match" in listed.json["data"]["content"]
    menu = listed.json["data"]["components"][0]["components"][0]
    assert menu["type"] == 3 and {o["value"] for o in menu["options"]} == {LAVROV_ARTICLE, "003_7e1905dfbb2939a1.txt"}
    assert not fake.find(followup)  # nothing opened on a guess

    picker = fake.message(fake.interactions[listed.path.split("/")[-2]]["original"])
    mark = fake.mark()
    await fake.press(picker, menu["custom_id"], user=ALICE, values=[LAVROV_ARTICLE])
    updated = await fake.wait_for_request(callback(7), since=mark)
    assert updated.json["data"]["components"] == []  # the menu is gone from the private message
    shown = await fake.wait_for_request(followup, since=mark)
    assert not shown.flags & 64  # the article itself is public
    assert LAVROV in described(shown)


async def test_an_id_or_a_whole_headline_opens_the_article(bot: BriefingBot, fake: FakeDiscord) -> None:
    from tests.discord.test_e2e import no_cooldowns

    no_cooldowns(bot)
    headline = bot.answerer.article(LAVROV_ARTICLE).title  # type: ignore[union-attr]
    for typed in (LAVROV_ARTICLE, headline.upper()):
        mark = fake.mark()
        await fake.slash("article", {"id": typed}, user=ALICE)
        shown = await fake.wait_for_request(followup, since=mark)
        assert LAVROV in described(shown), typed


async def test_browsing_commands_share_a_rate_limit(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.slash("sources", {}, user=ALICE)
    await fake.wait_for_request(followup)
    for command, options in (("search", {"terms": "Lavrov"}), ("article", {"id": LAVROV_ARTICLE})):
        mark = fake.mark()
        await fake.slash(command, options, user=ALICE)
        refused = await fake.wait_for_request(callback(), since=mark)
        assert refused.json["type"] == 4 and refused.flags & 64, command
        assert "try again in" in refused.json["data"]["content"]
    mark = fake.mark()
    await fake.slash("ask", {"question": "who did Kim Jong Un meet?"}, user=ALICE)  # questions are counted apart
    assert (await fake.wait_for_request(callback(), since=mark)).json["type"] == 5
    await fake.wait_for_request(followup, since=mark)
