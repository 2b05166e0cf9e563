"""Fuzz: whatever the articles, titles, links, questions and counts, the formatter never raises and
never exceeds a Discord limit.

Limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits): content
2,000; embed title 256, description 4,096, field name 256 / value 1,024, footer 2,048, 6,000 per
embed and for all embeds of a message, 25 fields, 10 embeds per message; button labels 80,
custom ids 100; select menus 25 options of 100; autocomplete 25 choices of 100. Bounded example
counts and sizes keep this module to a few seconds.
"""

from __future__ import annotations

import re
import string

import discord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering import Answer, RefreshReport, Result
from bot.app.buttons import DeleteButton
from bot.app.formatting import (
    answer_embeds,
    article_choices,
    article_embed,
    article_options,
    candidates_text,
    help_embed,
    reload_failure_text,
    reload_messages,
    search_pages,
    sources_pages,
    text_choices,
    with_late_note,
)
from bot.app.pagination import Paginator
from bot.records import ArticleInfo, Sentence, Skipped

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Text with what breaks formatting: markdown, mentions, brackets, backslashes, newlines, long words, emoji.
_NASTY = st.sampled_from(["@everyone", "@here", "<@123456789012345678>", "**", "__", "`", "\\", "[", "]", "(",
                          ")", "<", ">", "\n", "\n\n", " ", "…", "é", "ç", "🗑️", "x" * 300, "https://a.b/c)d"])
TEXT = st.lists(st.one_of(st.text(max_size=12), _NASTY), max_size=6).map("".join)
_WORDS = st.sampled_from(["palavra", "@everyone", "x" * 12, "**b**", "[a](b)", "ação", "\\", "<@&1>"])
LONG_TEXT = st.one_of(TEXT, st.builds(lambda n, word: (word + " ") * n, st.integers(1, 700), _WORDS))
URL = st.one_of(st.none(), TEXT, st.text(string.ascii_letters + "/:._-()<> %", max_size=450).map("https://".__add__))
DATE = st.one_of(st.none(), st.sampled_from(["2023-10-18", "2023-10", "1991", "2023-02-30", "soon", ""]), TEXT)
LANG = st.sampled_from(["pt", "en", "und", ""])

ARTICLE = st.builds(
    ArticleInfo, id=st.one_of(st.text(min_size=1, max_size=12), st.just("x/" * 60)), title=LONG_TEXT, date=DATE,
    lang=LANG, url=URL,
    source=st.one_of(st.none(), TEXT), author=st.one_of(st.none(), LONG_TEXT), section=st.one_of(st.none(), TEXT),
)
ANSWER = st.builds(
    Answer, text=LONG_TEXT, when=DATE, score=st.floats(0, 1), confident=st.booleans(), article=ARTICLE,
    also_in=st.lists(ARTICLE, max_size=3).map(tuple), context=st.just(()), position=st.integers(0, 500),
    kind=st.sampled_from(["body", "headline", "standfirst", "caption", "byline", "other"]),
)
RESULT = st.builds(
    Result, question=LONG_TEXT, answers=st.lists(ANSWER, max_size=8).map(tuple),
    suggestions=st.lists(LONG_TEXT, max_size=5).map(tuple),
    asks=st.sampled_from(["when", "who", "where", "what", "how_many", "other"]), lang=LANG,
)


def embed_ok(embed: discord.Embed) -> None:
    assert len(embed) <= 6000
    assert len(embed.title or "") <= 256 and len(embed.description or "") <= 4096
    assert len(embed.fields) <= 25 and len(embed.footer.text or "") <= 2048
    for field in embed.fields:
        assert 1 <= len(field.name or "") <= 256 and 1 <= len(field.value or "") <= 1024
    embed.to_dict()  # serialisable as discord.py sends it


def message_ok(embeds: list[discord.Embed]) -> None:
    assert 1 <= len(embeds) <= 10
    for embed in embeds:
        embed_ok(embed)
    assert sum(len(e) for e in embeds) <= 6000


_PING = re.compile(r"@(everyone|here)|<@[!&]?\d{17,20}>")


def no_pings(value: str) -> None:
    assert not _PING.search(value), value


@FUZZ
@given(RESULT, st.integers(1, 10), st.dictionaries(LONG_TEXT, LONG_TEXT, max_size=4), st.sampled_from(["pt", "en"]))
def test_answers_fit_discord_and_ping_nobody(result: Result, max_quotes: int, glosses: dict[str, str],
                                             lang: str) -> None:
    glosses |= {a.text: "gloss " + a.text[:500] for a in result.answers[:2]}
    messages = answer_embeds(result, max_quotes=max_quotes, glosses=glosses, lang=lang)
    assert messages
    for embeds in messages:
        message_ok(embeds)
        message_ok(with_late_note(embeds, lang))
        for embed in embeds:
            no_pings((embed.title or "") + (embed.description or "") + (embed.footer.text or ""))
    assert messages[0][0].title  # the question, always restated


@FUZZ
@given(TEXT, st.lists(ANSWER, max_size=12), st.integers(1, 10), st.sampled_from(["pt", "en"]))
def test_search_pages_fit(terms: str, answers: list[Answer], page_size: int, lang: str) -> None:
    pages = search_pages(terms or "x", answers, page_size, lang)
    assert len(pages) == max(1, -(-len(answers) // page_size))
    for page in pages:
        message_ok([page])


@FUZZ
@given(st.lists(ARTICLE, max_size=26), st.integers(1, 25), st.one_of(st.none(), TEXT), st.sampled_from(["pt", "en"]))
def test_sources_pages_and_article_menus_fit(articles: list[ArticleInfo], page_size: int, filter: str | None,
                                            lang: str) -> None:
    for page in sources_pages(articles, page_size, filter, lang):
        message_ok([page])
    choices = article_choices(articles, lang)
    assert len(choices) <= 25 and all(1 <= len(c.name) <= 100 and 1 <= len(c.value) <= 100 for c in choices)
    options = article_options(articles, lang)
    assert len(options) <= 25
    assert all(1 <= len(o.label) <= 100 and len(o.value) <= 100 and len(o.description or "") <= 100 for o in options)
    assert len(candidates_text(filter or "", articles, lang)) <= 2000


@FUZZ
@given(ARTICLE, st.lists(LONG_TEXT, max_size=8), st.sampled_from(["pt", "en"]))
def test_article_embed_fits(info: ArticleInfo, texts: list[str], lang: str) -> None:
    sentences = [Sentence(article_id=info.id, position=i, text=t) for i, t in enumerate(texts)]
    message_ok([article_embed(info, sentences, lang)])


@FUZZ
@given(st.lists(LONG_TEXT, max_size=40))
def test_autocomplete_choices_fit(values: list[str]) -> None:
    choices = text_choices(values)
    assert len(choices) <= 25 and all(1 <= len(c.name) <= 100 and c.name == c.value for c in choices)


@FUZZ
@given(st.lists(st.tuples(TEXT, LONG_TEXT), max_size=30), st.integers(1, 40), st.sampled_from(["pt", "en"]))
def test_reload_reports_fit_messages(skipped: list[tuple[str, str]], shown: int, lang: str) -> None:
    report = RefreshReport(added=("a",), changed=(), removed=(), skipped=tuple(Skipped(p, r) for p, r in skipped),
                           articles=3, sentences=9, seconds=0.5)
    assert all(1 <= len(m) <= 2000 for m in reload_messages(report, shown, lang))
    assert len(reload_failure_text(OSError("x" * 5000), lang)) <= 2000


@FUZZ
@given(st.integers(1, 2000), st.integers(0, 2**63 - 1), st.sampled_from(["pt", "en"]))
def test_buttons_fit(pages: int, owner: int, lang: str) -> None:
    view = Paginator([discord.Embed(description="p")] * pages, owner_id=owner, lang=lang)
    view.index = pages - 1
    view._update_buttons()
    items = [*view.children, DeleteButton(owner, lang).item]
    for item in items:
        assert isinstance(item, discord.ui.Button)
        assert len(item.label or "") <= 80 and len(item.custom_id or "") <= 100
    assert len(view.children) <= 25


def test_help_fits() -> None:
    for lang in ("pt", "en"):
        for channels in (True, False):
            message_ok([help_embed(10, channels, lang)])
