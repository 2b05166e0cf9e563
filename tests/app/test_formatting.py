"""Unit tests of the pure Discord formatting functions (no client, no network)."""

from __future__ import annotations

import re

import discord
from hypothesis import given
from hypothesis import strategies as st

from bot.answering import Answer, Direct, RefreshReport, Result
from bot.app.formatting import (
    COLOUR,
    MESSAGE_LIMIT,
    QUOTE_BLOCK_LIMIT,
    UNSURE_COLOUR,
    answer_embeds,
    article_choices,
    article_embed,
    article_options,
    escape,
    format_date,
    help_embed,
    link,
    pack_embeds,
    reload_failure_text,
    reload_messages,
    search_pages,
    source_line,
    sources_pages,
    split_message,
    text_choices,
    truncate,
    with_late_note,
)
from bot.records import ArticleInfo, Sentence, Skipped

LAVROV = (
    "O ministro russo das Relações Exteriores, Serguei Lavrov, chegou à Coreia do Norte para uma visita "
    "oficial nesta quarta-feira (18), informaram as agências de notícias de seu país."
)
ARTICLE = ArticleInfo(
    id="news/lavrov.txt", title="Lavrov chega a Pyongyang", date="2023-10-18", lang="pt",
    url="https://example.org/lavrov", source="AFP",
)


def answer(text: str = LAVROV, *, confident: bool = True, when: str | None = "2023-10-18",
           article: ArticleInfo = ARTICLE, **extra: object) -> Answer:
    return Answer(text=text, when=when, score=0.9 if confident else 0.2, confident=confident, article=article,
                  **extra)  # type: ignore[arg-type]


def result(*answers: Answer, asks: str = "when", lang: str = "en",
           suggestions: tuple[str, ...] = ()) -> Result:
    best = answers[0] if answers else None
    direct = (Direct("date", "nesta quarta-feira (18)", best.when)
              if asks == "when" and best is not None and best.confident and best.when else None)
    return Result(question="when did Lavrov visit Pyongyang?", answers=answers, suggestions=suggestions,
                  asks=asks, lang=lang, direct=direct)


def embed_ok(embed: discord.Embed) -> None:
    """Every part of ``embed`` within Discord's limits."""
    assert len(embed) <= 6000
    assert len(embed.title or "") <= 256
    assert len(embed.description or "") <= 4096
    assert len(embed.fields) <= 25
    for field in embed.fields:
        assert len(field.name or "") <= 256 and 1 <= len(field.value or "") <= 1024
    assert len(embed.footer.text or "") <= 2048


def messages_ok(messages: list[list[discord.Embed]]) -> None:
    """Each message: 1..10 embeds within their limits, 6,000 characters in all."""
    assert messages
    for embeds in messages:
        assert 1 <= len(embeds) <= 10
        for embed in embeds:
            embed_ok(embed)
        assert sum(len(e) for e in embeds) <= 6000


def the_text(messages: list[list[discord.Embed]]) -> str:
    return "\n".join(e.description or "" for embeds in messages for e in embeds)


# --- text primitives ---------------------------------------------------------------------------


def test_escape_breaks_mentions_and_markdown() -> None:
    text = escape("Hello @everyone and @here, **bold** _it_ [x](y)\nnext line")
    assert "@everyone" not in text and "@\u200beveryone" in text and "@\u200bhere" in text
    assert "\\*\\*bold\\*\\*" in text and "\\_it\\_" in text and "\\[x]" in text
    assert "\n" not in text


def test_truncate_cuts_at_a_word_boundary() -> None:
    text = "alpha beta gamma delta epsilon"
    assert truncate(text, 100) == text
    cut = truncate(text, 14)
    assert cut == "alpha beta…" and len(cut) <= 14
    assert truncate("x" * 50, 10) == "x" * 9 + "…"


@given(st.text(), st.integers(min_value=1, max_value=300))
def test_truncate_never_exceeds_the_limit(text: str, limit: int) -> None:
    cut = truncate(text, limit)
    assert len(cut) <= limit
    assert cut == text or cut.endswith("…")


@given(st.text(alphabet=st.sampled_from("ab \n"), max_size=3000), st.integers(min_value=20, max_value=500))
def test_split_message_keeps_every_word_within_the_limit(text: str, limit: int) -> None:
    pieces = split_message(text, limit)
    assert all(len(p) <= limit for p in pieces)
    # Only words longer than the limit are cut, so rejoined words match when no word is that long.
    if all(len(w) <= limit for w in text.split()):
        assert " ".join(pieces).split() == text.split()


def test_format_date_keeps_precision() -> None:
    assert format_date("2023-10-18") == "18 October 2023"
    assert format_date("2022-07") == "July 2022"
    assert format_date("1991") == "1991"
    assert format_date(None) is None


def test_link_is_safe_for_odd_titles_and_urls() -> None:
    assert link("A [b] c", "https://x.org/a b)") == "[A \\[b\\] c](<https://x.org/a%20b%29>)"
    assert link("Plain", "javascript:alert(1)") == "**Plain**"
    assert link("Plain", None) == "**Plain**"


def test_source_line_names_outlet_date_and_other_outlets() -> None:
    others = tuple(ArticleInfo(id=f"o{i}", title=f"T{i}", date=None, lang="pt", source=f"Outlet {i}")
                   for i in range(5))
    line = source_line(ARTICLE, others)
    expected = "— [Lavrov chega a Pyongyang](<https://example.org/lavrov>) · AFP · 18 October 2023"
    assert line.startswith(expected)
    assert "also in Outlet 0, Outlet 1, Outlet 2 and 2 more" in line


@given(st.text(max_size=400), st.integers(min_value=20, max_value=400), st.booleans())
def test_source_line_fits_its_room_without_breaking_markup(title: str, room: int, with_url: bool) -> None:
    info = ArticleInfo(id="x.txt", title=title, date="2020-01-01", lang="pt", source="Outlet",
                       url="https://example.org/" + "p" * 120 if with_url else None)
    line = source_line(info, (ARTICLE, ARTICLE), room=room)
    assert len(line) <= room
    assert re.fullmatch(r"— (\[.*\]\(<https://\S+>\)|\*\*.+\*\*)( · .*)?", line, re.S), line
    shown = line[3:line.rindex("](<")] if line.startswith("— [") else line[4:line.rindex("**")]
    assert not re.search(r"[\[\]]", re.sub(r"\\.", "", shown, flags=re.S))  # brackets in the title are escaped


# --- answers -----------------------------------------------------------------------------------


def test_when_answer_is_one_embed_with_question_date_quote_and_source() -> None:
    messages = answer_embeds(result(answer()), max_quotes=3)
    assert len(messages) == 1 and len(messages[0]) == 1
    embed = messages[0][0]
    label = result(answer()).when_label
    assert embed.title == "when did Lavrov visit Pyongyang?"
    assert label is not None and (embed.description or "").startswith(f"📅 **{label}**\n\n")
    assert f"> {escape(LAVROV)}" in (embed.description or "")
    assert "[Lavrov chega a Pyongyang](https://example.org/lavrov) · AFP · 18 October 2023" in (
        embed.description or "")
    assert embed.colour == COLOUR


def test_portuguese_question_gets_portuguese_dates_and_words() -> None:
    text = the_text(answer_embeds(result(answer(when="2023-10-17"), asks="who", lang="pt"), max_quotes=3))
    assert "18 de outubro de 2023" in text and "refere-se a 17 de outubro de 2023" in text


def test_not_when_question_has_no_direct_line_but_says_what_date_the_quote_speaks_of() -> None:
    other = answer(when="2023-10-17")
    text = the_text(answer_embeds(result(other, asks="who"), max_quotes=3))
    assert text.startswith("> ")
    assert "speaks of 17 October 2023" in text


def test_at_most_max_quotes_and_only_confident_ones() -> None:
    answers = [answer(f"Frase número {i} sobre Lavrov.") for i in range(5)]
    text = the_text(answer_embeds(result(*answers, answer("Incerta.", confident=False)), max_quotes=2))
    assert text.count("\n> ") + text.startswith("> ") == 2
    assert "Frase número 2" not in text and "Incerta" not in text


def test_a_second_quote_of_the_same_article_does_not_repeat_the_source() -> None:
    text = the_text(answer_embeds(result(answer(), answer("Outra frase."), asks="who"), max_quotes=3))
    assert text.count("[Lavrov chega a Pyongyang]") == 1 and "— same article" in text


def test_gloss_in_italics_under_the_quote_for_english_questions() -> None:
    glosses = {LAVROV: "Russian Foreign Minister Sergei Lavrov arrived in North Korea."}
    embed = answer_embeds(result(answer(), lang="en"), max_quotes=3, glosses=glosses)[0][0]
    assert f"> {escape(LAVROV)}\n> *Russian Foreign Minister Sergei Lavrov arrived in North Korea.*" in (
        embed.description or "")
    assert "machine translation" in (embed.footer.text or "")


def test_no_answer_says_so_and_offers_at_most_three_whole_suggestions() -> None:
    unsure = answer("Uma frase vagamente parecida.", confident=False)
    long_title = "Manchete " + "muito comprida " * 30 + "final"
    suggestions = ("Lavrov chega a Pyongyang", "Kim encontra Shoigu", long_title, "Quarta manchete")
    embed = answer_embeds(result(unsure, suggestions=suggestions), max_quotes=3)[0][0]
    text = embed.description or ""
    assert text.startswith("❔ **I couldn't find this in the articles.**")
    assert embed.colour == UNSURE_COLOUR
    assert "**Did you mean…**\n• Lavrov chega a Pyongyang\n• Kim encontra Shoigu\n• Manchete" in text
    assert "Quarta manchete" not in text  # top 3
    shown = text.split("• ")[-1]
    assert shown.endswith("…") and shown[:-1].split()[-1] in long_title.split()  # cut at a word boundary
    assert "Uma frase vagamente parecida." not in text  # an unsure passage is not quoted
    bare = answer_embeds(result(), max_quotes=3)[0][0]
    assert "Did you mean" not in (bare.description or "")  # nothing close: nothing offered


def test_quoted_everyone_cannot_ping() -> None:
    text = the_text(answer_embeds(result(answer("A prefeitura convocou @everyone e <@&123456789012345678>.")),
                                  max_quotes=3))
    assert "@everyone" not in text and "<@&123456789012345678>" not in text


def test_a_sentence_longer_than_an_embed_is_cut_at_a_word_boundary() -> None:
    words = [f"palavra{i}" for i in range(800)]
    long = answer(" ".join(words) + ".")
    messages = answer_embeds(result(long, answer()), max_quotes=3)
    messages_ok(messages)
    first_quote = next(line for line in (messages[0][0].description or "").split("\n") if line.startswith("> "))
    assert first_quote.endswith("…")
    assert first_quote[2:-1].split()[-1] in words  # the last word shown is whole
    assert escape(LAVROV) in the_text(messages)  # the second quote follows in the next embed
    assert messages[0][0].title and all(e.title is None for e in messages[0][1:])


def test_many_long_quotes_are_split_into_several_embeds_in_order() -> None:
    answers = [answer(f"Quote {i} " + "texto " * 600) for i in range(10)]
    messages = answer_embeds(result(*answers, asks="what"), max_quotes=10)
    messages_ok(messages)
    assert sum(len(m) for m in messages) >= 3
    joined = the_text(messages)
    assert [joined.index(f"Quote {i}") for i in range(10)] == sorted(joined.index(f"Quote {i}") for i in range(10))


def test_pack_embeds_keeps_every_message_within_6000() -> None:
    blocks = ["x" * (QUOTE_BLOCK_LIMIT - 10)] * 7
    messages = pack_embeds("T" * 256, blocks, "footer", COLOUR)
    messages_ok(messages)
    assert sum(len(m) for m in messages) == 7 and len(messages) >= 4  # one 3,800-char embed per message


def test_late_note_is_added_to_the_last_embed_when_it_fits() -> None:
    embeds = answer_embeds(result(answer()), max_quotes=3)[0]
    late = with_late_note(embeds, "pt")
    assert "Enviada com atraso" in (late[-1].footer.text or "") and not embeds[-1].footer.text  # a copy
    full = pack_embeds("t", ["x" * 4096], "y" * 1900, COLOUR)[0]
    assert with_late_note(full, "en")[-1].footer.text == "y" * 1900  # no room: left out


# --- embeds ------------------------------------------------------------------------------------


def test_search_pages_fit_even_with_long_sentences() -> None:
    answers = [answer(f"Resultado {i} " + "muito longo " * 400) for i in range(23)]
    pages = search_pages("Lavrov " * 100, answers, page_size=10)
    assert len(pages) == 3
    for n, page in enumerate(pages, 1):
        embed_ok(page)
        assert page.footer.text is not None and page.footer.text.startswith(f"Page {n}/3 · 23 sentences")
    assert "**21.**" in (pages[2].description or "")


def test_search_without_results_says_so_in_the_users_language() -> None:
    pages = search_pages("nada", [], page_size=5, lang="pt")
    assert len(pages) == 1 and pages[0].description == "Não encontrei isso nas notícias."
    assert pages[0].title == "Busca: nada"


def test_sources_pages_fit_and_filter_is_named() -> None:
    articles = [
        ArticleInfo(id=f"news-pt/{i:04}.txt", title="Título muito comprido " * 30, date="2017-12-13",
                    lang="pt", source="Estadão", url="https://example.org/" + "x" * 300)
        for i in range(60)
    ]
    pages = sources_pages(articles, page_size=25, filter="Estadão")
    assert len(pages) == 3
    for page in pages:
        embed_ok(page)
    assert "Estadão" in (pages[0].title or "")
    assert "`news-pt/0000.txt`" in (pages[0].description or "")
    assert sources_pages([], 10, "zzz")[0].description == "No article matches that filter."


def test_article_embed_fits() -> None:
    info = ArticleInfo(id="a.txt", title="T" * 400, date="2021-05", lang="pt", url="https://example.org/a",
                       author="A" * 2000, source="Folha", section="mundo")
    sentences = [Sentence(article_id="a.txt", position=i, text="frase " * 300) for i in range(5)]
    embed = article_embed(info, sentences)
    embed_ok(embed)
    assert embed.url == "https://example.org/a"
    assert {f.name for f in embed.fields} == {"Date", "Source", "Author", "Section", "Language", "ID"}
    assert {f.name for f in article_embed(info, sentences, "pt").fields} >= {"Data", "Fonte", "Autor"}


def test_help_embed_fits_in_both_languages() -> None:
    embed_ok(help_embed(3, answer_channels=True))
    portuguese = help_embed(3, answer_channels=False, lang="pt")
    embed_ok(portuguese)
    assert "citando as frases" in (portuguese.description or "")


# --- reload ------------------------------------------------------------------------------------


def test_reload_report_counts_and_skipped_files() -> None:
    report = RefreshReport(added=("a.txt",), changed=(), removed=("b.txt", "c.txt"),
                           skipped=(Skipped("bin.dat", "binary file"),), articles=10, sentences=200,
                           seconds=0.42)
    text = "\n".join(reload_messages(report))
    assert "1 added, 0 changed, 2 removed" in text and "10 articles (200 sentences)" in text
    assert "- `bin.dat`: binary file" in text


def test_reload_report_with_many_skipped_files_is_split() -> None:
    skipped = tuple(Skipped(f"folder/file-{i}.txt", "cannot be decoded " * 10) for i in range(100))
    report = RefreshReport(added=(), changed=(), removed=(), skipped=skipped, articles=1, sentences=1,
                           seconds=1)
    messages = reload_messages(report, shown_skipped=40)
    assert len(messages) >= 2 and all(len(m) <= MESSAGE_LIMIT for m in messages)
    assert "nothing changed" in messages[0]
    assert "and 60 more" in messages[-1]


def test_reload_failure_text_names_the_error() -> None:
    text = reload_failure_text(OSError("disk full"))
    assert "OSError: disk full" in text and "still answering" in text


# --- autocomplete ------------------------------------------------------------------------------


def test_text_choices_respect_discord_limits() -> None:
    values = ["Serguei Lavrov", "serguei lavrov", "", "   ", "x" * 300] + [f"Nome {i}" for i in range(40)]
    choices = text_choices(values)
    assert len(choices) == 25
    assert all(1 <= len(c.name) <= 100 and 1 <= len(c.value) <= 100 for c in choices)
    assert [c.name for c in choices[:2]] == ["Serguei Lavrov", "Nome 0"]  # too long to send whole: left out


def test_article_choices_use_ids_and_skip_ids_discord_cannot_carry() -> None:
    infos = [ArticleInfo(id="x/" + "y" * 120, title="Too long an id", date=None, lang="pt")] + [
        ArticleInfo(id=f"n/{i}.txt", title="Manchete " * 30, date="2020-01-02", lang="pt") for i in range(30)
    ]
    choices = article_choices(infos)
    assert len(choices) == 25 and choices[0].value == "n/0.txt"
    assert all(len(c.name) <= 100 and c.name.endswith("(2 January 2020)") for c in choices)
    options = article_options(infos, "pt")
    assert len(options) == 25 and all(len(o.label) <= 100 and o.label.endswith("(2 de janeiro de 2020)")
                                      for o in options)


def test_no_raw_markdown_link_syntax_leaks_from_quotes() -> None:
    text = the_text(answer_embeds(result(answer("Veja [aqui](https://evil.example) e **isto**.")), max_quotes=1))
    quote = next(line for line in text.split("\n") if line.startswith("> "))
    assert not re.search(r"(?<!\\)\[aqui\]", quote) and "\\*\\*isto\\*\\*" in quote
