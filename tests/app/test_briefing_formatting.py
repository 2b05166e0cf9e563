"""Unit tests of the briefing formatting: the direct answer line, follow-up lines, timeline pages, cards."""

from __future__ import annotations

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answering import Answer, Direct, Result
from bot.app.formatting import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    answer_embeds,
    answered_question,
    count_text,
    direct_answer,
    direct_line,
    escape,
    event_date,
    sources_text,
    timeline_empty_text,
    timeline_pages,
    who_embed,
    who_missing_text,
)
from bot.briefing import Card, Description, Entry, Timeline
from bot.records import ArticleInfo

REUTERS = ArticleInfo(id="a.txt", title="Kim recebe Shoigu", date="2023-10-18", lang="pt",
                      url="https://example.org/kim", source="Reuters")
AFP = ArticleInfo(id="b.txt", title="Kim e Shoigu", date="2023-10-19", lang="pt", url=None, source="AFP")
QUOTE = "O líder Kim Jong-un encontra-se com Sergei Shoigu, secretário do Conselho de Segurança da Rússia."


def result(direct: Direct | None, *, confident: bool = True, lang: str = "en", asks: str = "who",
           question: str = "Who did Kim meet?") -> Result:
    answer = Answer(text=QUOTE, when="2023-10-17", score=0.9 if confident else 0.2, confident=confident,
                    article=REUTERS)
    return Result(question=question, answers=(answer,), suggestions=(), asks=asks, lang=lang, direct=direct)


# --- the direct answer line ------------------------------------------------------------------


@pytest.mark.parametrize(("direct", "lang", "line"), [
    (Direct("date", "nesta quarta-feira (18)", "2023-10-18"), "en", "📅 **Wednesday 18 October 2023**"),
    (Direct("date", "nesta quarta-feira (18)", "2023-10-18"), "pt", "📅 **quarta-feira, 18 de outubro de 2023**"),
    (Direct("date", "em setembro", "2023-09"), "en", "📅 **September 2023**"),
    (Direct("date", "julho do ano passado", None, undated=True), "en", "📅 **julho do ano passado — undated article**"),
    (Direct("date", "julho do ano passado", None, undated=True), "pt",
     "📅 **julho do ano passado — notícia sem data**"),
    (Direct("date", "século XVI"), "en", "📅 **século XVI**"),
    (Direct("name", "Sergei Shoigu"), "en", "👤 **Sergei Shoigu**"),
    (Direct("place", "Coreia do Norte"), "en", "📍 **Coreia do Norte**"),
    (Direct("number", "1.000 contêineres"), "en", "🔢 **1.000 contêineres**"),
    (Direct("duration", "dois dias"), "en", "⏱️ **dois dias**"),
    (Direct("role", "secretário do Conselho de Segurança da Rússia"), "en",
     "💼 **secretário do Conselho de Segurança da Rússia**"),
    (Direct("name", "*Kim* @everyone"), "en", "👤 **\\*Kim\\* @\u200beveryone**"),  # escaped like any article text
])
def test_direct_line_by_kind_and_language(direct: Direct, lang: str, line: str) -> None:
    assert direct_line(result(direct, lang=lang), lang) == line
    assert answer_embeds(result(direct, lang=lang), max_quotes=3)[0][0].description.startswith(line + "\n\n")


def test_no_direct_line_without_a_confident_answer() -> None:
    assert direct_answer(result(Direct("name", "Sergei Shoigu"), confident=False)) is None
    assert direct_line(result(None)) is None
    text = answer_embeds(result(None), max_quotes=3)[0][0].description or ""
    assert text.startswith("> ")


def test_a_date_line_takes_the_first_quotes_date_but_a_name_line_does_not() -> None:
    dated = answer_embeds(result(Direct("date", "x", "2023-10-17"), asks="when"), max_quotes=3)[0][0]
    named = answer_embeds(result(Direct("name", "Sergei Shoigu")), max_quotes=3)[0][0]
    assert "speaks of" not in (dated.description or "")
    assert "speaks of 17 October 2023" in (named.description or "")


# --- follow-ups ----------------------------------------------------------------------------------


def test_followup_embed_says_what_it_understood_and_reads_back() -> None:
    understood = result(Direct("date", "julho", None, undated=True), asks="when",
                        question="When did Shoigu visit Pyongyang?")
    embed = answer_embeds(understood, max_quotes=3, asked="and Shoigu?")[0][0]
    assert embed.title == "and Shoigu?"
    assert (embed.description or "").startswith(
        "↪️ *Understood as: When did Shoigu visit Pyongyang?*\n📅 **julho — undated article**\n\n> ")
    assert answered_question(embed) == "When did Shoigu visit Pyongyang?"
    assert answered_question(embed.to_dict()) == "When did Shoigu visit Pyongyang?"  # a message's embed payload
    pt = answer_embeds(result(None, lang="pt", question="Quando Shoigu chegou?"), max_quotes=3, asked="e o Shoigu?")
    assert (pt[0][0].description or "").startswith("↪️ *Entendi como: Quando Shoigu chegou?*")
    assert answered_question(pt[0][0]) == "Quando Shoigu chegou?"


@given(st.text(min_size=1, max_size=200).filter(lambda t: t.strip()))
@settings(max_examples=200, deadline=None)
def test_the_question_reads_back_from_any_answer(question: str) -> None:
    flat = " ".join(question.split())
    plain = answer_embeds(result(Direct("name", "Shoigu"), question=flat), max_quotes=1)[0][0]
    if len(escape(flat)) <= 256:
        assert answered_question(plain) == flat
    followed = answer_embeds(result(None, question=flat), max_quotes=1, asked="and Shoigu?")[0][0]
    if len(escape(flat)) <= 250:
        assert answered_question(followed) == flat


def test_listings_and_cards_are_not_answers() -> None:
    card = who_embed(card_of())
    assert answered_question(card) is None
    page = timeline_pages(timeline_of(3))[0]
    assert answered_question(page) is None
    assert answered_question(discord.Embed(title="Search: x", description="**1.** quote")) is None
    not_found = answer_embeds(result(None, confident=False, question="who won?"), max_quotes=3)[0][0]
    assert answered_question(not_found) == "who won?"  # a grey "not found" answer still answered a question


# --- timelines -----------------------------------------------------------------------------------


def timeline_of(count: int, *, undated: int = 0, text: str = "A Coreia do Norte lançou um míssil.",
                sources: tuple[ArticleInfo, ...] = (REUTERS,)) -> Timeline:
    entries = tuple(Entry(f"{text} ({i})", f"2023-10-{i % 28 + 1:02}", "day", sources) for i in range(count))
    loose = tuple(Entry(f"Kim viajou no sábado ({i}).", None, "undated", (AFP,), ("no sábado",))
                  for i in range(undated))
    return Timeline("Coreia do Norte", ("coreia do norte",), entries, loose)


@pytest.mark.parametrize(("when", "precision", "lang", "shown"), [
    ("2023-10-18", "day", "en", "Wed 18 Oct 2023"),
    ("2023-10-18", "day", "pt", "qua 18 out 2023"),
    ("2023-10", "month", "en", "October 2023"),
    ("2023-10", "month", "pt", "outubro de 2023"),
    ("2017", "year", "en", "2017"),
    (None, "undated", "pt", "sem data"),
])
def test_event_dates_keep_their_precision(when: str | None, precision: str, lang: str, shown: str) -> None:
    assert event_date(when, precision, lang) == shown


def test_sources_link_the_first_and_count_the_others() -> None:
    assert sources_text((REUTERS, AFP, AFP)) == "— [Reuters](https://example.org/kim) · +2 more"
    assert sources_text((AFP,), "pt") == "— **AFP**"
    assert sources_text((REUTERS, AFP), "pt").endswith("· +1 outras")


def test_timeline_pages_number_the_events_and_put_undated_apart() -> None:
    pages = timeline_pages(timeline_of(10, undated=3), per_page=8)
    assert [p.title for p in pages] == ["Timeline: Coreia do Norte"] * 2 + [
        "Timeline: Coreia do Norte — undated articles"]
    assert pages[0].description.startswith("**1. Sun 1 Oct 2023**\nA Coreia do Norte lançou um míssil. (0)\n— ")
    assert "**9. " in pages[1].description and "**11. undated** · “no sábado”" in pages[2].description
    assert all(p.footer.text.endswith("· 10 dated events · 3 undated") for p in pages)
    assert pages[2].footer.text.startswith("Page 3/3")


def test_long_events_fill_fewer_per_page_and_are_cut_only_when_alone_too_long() -> None:
    long = "palavra " * 300  # ~2,400 characters: one a page, whole
    pages = timeline_pages(timeline_of(3, text=long.strip()))
    assert len(pages) == 3 and all(long.strip() in (p.description or "") for p in pages)
    huge = "palavra " * 900  # longer than a page: cut at a word boundary
    cut = timeline_pages(timeline_of(1, text=huge.strip()))[0]
    assert "…" in (cut.description or "") and "palavr…" not in (cut.description or "")


@given(st.lists(st.text(min_size=1, max_size=3000), min_size=1, max_size=30),
       st.text(min_size=1, max_size=300), st.sampled_from(["en", "pt"]))
@settings(max_examples=60, deadline=None)
def test_timeline_pages_always_fit_discord(texts: list[str], topic: str, lang: str) -> None:
    entries = tuple(Entry(t, "2023-10-18", "day", (REUTERS, AFP)) for t in texts)
    pages = timeline_pages(Timeline(topic, (), entries, entries[:3]), lang)
    assert pages
    for page in pages:
        assert len(page.title or "") <= 256 and len(page.description or "") <= EMBED_DESCRIPTION_LIMIT
        assert len(page) <= EMBED_TOTAL_LIMIT and "@everyone" not in (page.description or "")


def test_empty_timeline_notice_offers_close_names() -> None:
    empty = Timeline("Coreia do Sul", (), (), (), "2017", None)
    assert timeline_pages(empty) == []
    assert timeline_empty_text(empty, ["Coreia do Norte"]) == (
        "The articles report no event about “Coreia do Sul” (since 2017).\n"
        "Names in the articles close to it: **Coreia do Norte**")


# --- who-is cards --------------------------------------------------------------------------------


def card_of(**changes: object) -> Card:
    fields: dict[str, object] = dict(
        name="Sergei Shoigu", spellings=("Sergei Shoigu", "Serguei Shoigu", "Shoigu"),
        descriptions=(Description("secretário do Conselho de Segurança da Rússia", REUTERS, QUOTE),),
        first_seen="2023-10", last_seen="2024-03", articles=12, mentions=40, together=("Kim Jong Un", "Putin"),
        others=("Kim Yo-jong",),
    )
    fields.update(changes)
    return Card(**fields)  # type: ignore[arg-type]


def test_card_shows_descriptions_with_sources_and_the_facts() -> None:
    embed = who_embed(card_of())
    assert embed.title == "Sergei Shoigu"
    assert embed.description == ("• secretário do Conselho de Segurança da Rússia — "
                                 "[Reuters](https://example.org/kim) · 18 October 2023")
    fields = {f.name: f.value for f in embed.fields}
    assert fields == {"Also written": "Serguei Shoigu, Shoigu", "First and last seen": "October 2023 – March 2024",
                      "In the articles": "12 articles · 40 sentences", "Appears with": "Kim Jong Un, Putin",
                      "Not to be confused with": "Kim Yo-jong"}


def test_card_counts_are_lower_bounds_when_incomplete() -> None:
    embed = who_embed(card_of(articles=1234, mentions=2000, complete=False), "pt")
    assert {f.name: f.value for f in embed.fields}["Nas notícias"] == "1.234+ notícias · 2.000+ frases"
    assert count_text(1234, False, "en") == "1,234+" and count_text(1, True, "pt") == "1"


def test_card_without_descriptions_or_dates_says_so() -> None:
    embed = who_embed(card_of(descriptions=(), first_seen=None, last_seen=None, spellings=("Sergei Shoigu",),
                              together=(), others=()), "pt")
    assert embed.description == "As notícias citam Sergei Shoigu, mas não dizem quem ou o que é."
    assert [f.name for f in embed.fields] == ["Primeira e última menção", "Nas notícias"]
    assert embed.fields[0].value == "só em notícias sem data"


def test_missing_name_notice() -> None:
    assert who_missing_text("Kim Yo-jong", ["Kim Jong Un", "Kim"], "pt") == (
        "As notícias não mencionam “Kim Yo-jong”.\nNomes parecidos nas notícias: **Kim Jong Un**, **Kim**")
    assert who_missing_text("@everyone") == "The articles do not mention “@\u200beveryone”."
