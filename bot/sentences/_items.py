"""Dated list items: "– 28 de julho de 2017: ..." opens an item of a timeline.

An item starts at a bullet followed by a date and a colon (or a full date and a capitalised word).
Items split from the text before them even without a full stop, once the text shows itself to be a
dated list (an item right after a sentence end).
"""

from __future__ import annotations

import re

_PT_MONTHS_RE = "(?i:janeiro|fevereiro|março|marco|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro)"
_EN_MONTHS_RE = (
    "(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_PERIOD_OF_YEAR_RE = "(?i:final|fim|início|inicio|começo|meados|end|early|late|mid)"
# The date opening an item of a dated list: "12 de julho de 2000", "1.o de dezembro de 2016",
# "Setembro de 1999", "Maio e junho de 2009", "Final de 1970", "1987-1992", "12/07/2000", "July 28, 2017".
_ITEM_DATE = (
    rf"(?:\d{{1,2}}(?:º|°|\.º|\.o|o)?(?:\s+de\s+{_PT_MONTHS_RE}(?:\s+de\s+\d{{4}})?|/\d{{1,2}}(?:/\d{{2,4}})?)"
    rf"|(?:{_PERIOD_OF_YEAR_RE}\s+(?:de\s+)?)?{_PT_MONTHS_RE}(?:\s+e\s+{_PT_MONTHS_RE})?\s+de\s+\d{{4}}"
    rf"|(?:{_PERIOD_OF_YEAR_RE}\s+(?:de\s+|of\s+)?)?\d{{4}}(?:\s*[-–/]\s*\d{{2,4}})?"
    rf"|{_EN_MONTHS_RE}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)"
)
_FULL_DATE = rf"\d{{1,2}}(?:º|°|\.º|\.o|o)?\s+de\s+{_PT_MONTHS_RE}\s+de\s+\d{{4}}"
_ITEM_BULLETS = "–—•●▪►-"
# First letters of the dates an item may open with (months, "Final de", "Início de", "Mid"...).
_ITEM_DATE_INITIALS = frozenset("0123456789JFMAOSNDjfmasondIiCcEeLl")
#: The start of a dated list item: a bullet, a date and a colon ("– 28 de julho de 2017: ..."), or a
#: full date and a capitalised word ("– 25 de novembro de 2016 Morre, aos 90 anos, Fidel Castro").
DATED_ITEM_RE = re.compile(
    rf"[{_ITEM_BULLETS}] (?:{_ITEM_DATE}\s?:(?= |$)|{_FULL_DATE}(?= [A-ZÀ-Ý]))"
)


_ITEM_NEEDLES = tuple(f" {bullet} " for bullet in "–-—•")


def _dated_item_points(text: str) -> list[int]:
    """The spaces before dated list items inside ``text`` (str.find: faster than a regex scan)."""
    points = []
    for needle in _ITEM_NEEDLES:
        pos = text.find(needle)
        while pos != -1:
            if text[pos + 3 : pos + 4] in _ITEM_DATE_INITIALS and DATED_ITEM_RE.match(text, pos + 1):
                points.append(pos)
            pos = text.find(needle, pos + 3)
    return sorted(points) if len(points) > 1 else points
