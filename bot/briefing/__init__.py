"""Briefing tools over the index and the catalog: timelines of a topic and who-is cards.

``timeline(answerer.corpus, "Coreia do Norte")`` lists the dated sentences about a topic across
all articles in the order of the events; ``who(answerer.corpus, "Shoigu")`` gathers what the
corpus says a person is; ``FollowUps`` answers questions that lean on the previous one ("and
Shoigu?"); ``mentioned_names`` and ``close_names`` say what can be asked about. None of them knows
anything about Discord or the terminal.
"""

from __future__ import annotations

from bot.briefing._followup import FollowUps, turn_of
from bot.briefing._names import close_names, mentioned_names
from bot.briefing._timeline import Entry, Timeline, date_range, timeline
from bot.briefing._topic import is_place
from bot.briefing._who import Card, Description, who

__all__ = [
    "Card", "Description", "Entry", "FollowUps", "Timeline", "close_names", "date_range", "is_place",
    "mentioned_names", "timeline", "turn_of", "who",
]
