"""briefing-bot: answers briefing questions by quoting the news articles that answer them."""

__version__ = "0.1.0"
