"""Feature extensions, loaded by :class:`bot.app.client.BriefingBot` in ``setup_hook``."""
