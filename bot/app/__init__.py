"""The Discord layer: a ``commands.Bot`` with one extension per feature under ``bot.app.exts``.

``python -m bot run`` calls :func:`run` with the loaded settings.
"""

from bot.app.client import BriefingBot, run

__all__ = ["BriefingBot", "run"]
