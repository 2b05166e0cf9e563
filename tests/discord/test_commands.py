"""The slash commands as Discord receives them: global sync at start, localisations, permissions."""

from __future__ import annotations

import dataclasses

from bot.app.client import TREE_HASH_FILE
from bot.app.strings import STRINGS
from bot.config import Settings
from tests.discord.conftest import StartBot
from tests.discord.fake_discord import APP_ID, GUILD_ID, FakeDiscord, Request

GLOBAL = f"/applications/{APP_ID}/commands"
GUILD = f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
MANAGE_GUILD = 1 << 5
MANAGE_MESSAGES = 1 << 13


def puts(fake: FakeDiscord, path: str) -> list[Request]:
    return fake.find(lambda r: r.method == "PUT" and r.path == path)


async def test_global_sync_at_the_first_start_and_not_at_the_second(start_bot: StartBot, fake: FakeDiscord,
                                                                    settings: Settings) -> None:
    no_guilds = dataclasses.replace(settings, discord=dataclasses.replace(settings.discord, sync_guilds=()))
    first = await start_bot(settings=no_guilds)
    assert len(puts(fake, GLOBAL)) == 1  # a fresh install has /ask at once, no "@Bot sync" needed
    assert {c["name"] for c in puts(fake, GLOBAL)[0].json} == {"ask", "search", "sources", "article", "timeline",
                                                               "who", "reload", "help"}
    assert not puts(fake, GUILD)
    await first.close()
    second = await start_bot(settings=no_guilds)
    assert len(puts(fake, GLOBAL)) == 1  # unchanged payload: not synced again
    await second.close()
    # A changed payload (here: /reload's default permission from config) is synced at the next start.
    changed = dataclasses.replace(no_guilds.discord, admin_permission="manage_messages")
    await start_bot(settings=dataclasses.replace(no_guilds, discord=changed))
    assert len(puts(fake, GLOBAL)) == 2
    reload = next(c for c in puts(fake, GLOBAL)[1].json if c["name"] == "reload")
    assert reload["default_member_permissions"] == MANAGE_MESSAGES
    assert (settings.index_dir / TREE_HASH_FILE).exists()


async def test_a_failed_global_sync_is_retried_at_the_next_start(start_bot: StartBot, fake: FakeDiscord,
                                                                 settings: Settings) -> None:
    no_guilds = dataclasses.replace(settings, discord=dataclasses.replace(settings.discord, sync_guilds=()))
    fake.fail("PUT", GLOBAL, status=403, times=1)  # e.g. invited without applications.commands
    first = await start_bot(settings=no_guilds)
    await first.close()
    await start_bot(settings=no_guilds)
    assert len(puts(fake, GLOBAL)) == 2


async def test_descriptions_are_localised_for_portuguese_users(bot: object, fake: FakeDiscord) -> None:
    for path in (GLOBAL, GUILD):
        commands = {c["name"]: c for c in puts(fake, path)[0].json}
        for name, command in commands.items():
            assert command["description"] == STRINGS[f"cmd.{name}"][0]
            assert command["description_localizations"] == {"pt-BR": STRINGS[f"cmd.{name}"][1]}
            assert 1 <= len(STRINGS[f"cmd.{name}"][1]) <= 100
            assert command["name_localizations"] == {}  # names stay as the README writes them
            for option in command.get("options") or []:
                key = f"cmd.{name}.{option['name']}"
                assert option["description_localizations"] == {"pt-BR": STRINGS[key][1]}
                assert 1 <= len(STRINGS[key][1]) <= 100
    ask = {c["name"]: c for c in puts(fake, GLOBAL)[0].json}["ask"]
    assert ask["description_localizations"]["pt-BR"] == "Faça uma pergunta; respondo citando as notícias."


async def test_reload_is_for_servers_and_hidden_from_members_by_default(bot: object, fake: FakeDiscord) -> None:
    commands = {c["name"]: c for c in puts(fake, GLOBAL)[0].json}
    reload = commands["reload"]
    assert reload["default_member_permissions"] == MANAGE_GUILD  # discord.admin_permission: manage_guild
    assert reload["dm_permission"] is False and reload["contexts"] == [0]  # guild only: not in DMs
    for name in ("ask", "search", "sources", "article", "timeline", "who", "help"):
        assert commands[name]["default_member_permissions"] is None  # everyone
