"""The fault tests reuse the fake Discord server's fixtures (tests/discord/conftest.py)."""

from tests.discord.conftest import bot, errors, fake, settings, shared_answerer, start_bot  # noqa: F401
