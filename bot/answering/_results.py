"""What answering returns: :class:`Answer` (one quoted sentence) and :class:`Result` (one question)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from bot.answering._extract import Direct
from bot.dates import weekday_label
from bot.records import ArticleInfo


@dataclass(frozen=True, slots=True)
class Answer:
    """One quoted sentence that answers (or may answer) a question."""

    text: str
    when: str | None
    score: float
    confident: bool
    article: ArticleInfo
    also_in: tuple[ArticleInfo, ...] = ()
    context: tuple[str, ...] = ()
    position: int = 0
    kind: str = "body"

    def to_json(self) -> dict[str, Any]:
        """The answer as the CLI's JSON contract."""
        return {
            "text": self.text,
            "when": self.when,
            "score": round(self.score, 4),
            "confident": self.confident,
            "kind": self.kind,
            "position": self.position,
            "article": dataclasses.asdict(self.article),
            "also_in": [dataclasses.asdict(a) for a in self.also_in],
            "context": list(self.context),
        }


@dataclass(frozen=True, slots=True)
class Result:
    """The answers to one question."""

    question: str
    answers: tuple[Answer, ...]
    suggestions: tuple[str, ...]
    asks: str
    lang: str
    translated: str | None = None
    direct: Direct | None = None  # the short answer the top quote gives (a date, a name, a number...)

    @property
    def confident(self) -> bool:
        """True when the best answer is a confident one."""
        return bool(self.answers) and self.answers[0].confident

    @property
    def when_label(self) -> str | None:
        """For a "when" question, the date the top answer reports, spelt out ("Wednesday 18 October 2023").

        None when the quote does not report the event asked about, or its article is undated.
        """
        if self.direct is None or self.direct.kind != "date" or not self.direct.value:
            return None
        return weekday_label(self.direct.value, "pt" if self.lang == "pt" else "en")

    def to_json(self) -> dict[str, Any]:
        """The result as the CLI's JSON contract."""
        return {
            "question": self.question,
            "asks": self.asks,
            "lang": self.lang,
            "translated": self.translated,
            "when_label": self.when_label,
            "direct": self.direct.to_json() if self.direct else None,
            "confident": self.confident,
            "answers": [a.to_json() for a in self.answers],
            "suggestions": list(self.suggestions),
        }
