"""Every user-facing string of the Discord layer, in English and Brazilian Portuguese.

One catalogue, so that a reply never mixes languages and a translation is never missing:
``text("not_found", "pt")``. Replies to a question are in the question's language; notices
and commands without a question use the user's Discord locale (``lang_of_locale``). The slash
commands' descriptions are here too, as :class:`~discord.app_commands.locale_str` keys that
:class:`bot.app.translator.CommandTranslator` localises in the synced payload.

A string with a count has ``.one`` and ``.other`` forms: ``plural("sentences", 3, "en")``.
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

Lang = Literal["en", "pt"]
LANGS: tuple[Lang, ...] = ("en", "pt")

#: key -> (English, Portuguese). Placeholders are ``str.format`` fields, the same in both.
STRINGS: dict[str, tuple[str, str]] = {
    # --- answers -------------------------------------------------------------------------------
    "not_found": ("I couldn't find this in the articles.", "Não encontrei isso nas notícias."),
    "not_found_hint": (
        "Try other words, a name as the articles spell it, or `/search`.",
        "Tente outras palavras, um nome como as notícias o escrevem, ou `/search`.",
    ),
    "did_you_mean": ("Did you mean…", "Você quis dizer…"),
    "speaks_of": ("speaks of {date}", "refere-se a {date}"),
    "also_in": ("also in {names}", "também em {names}"),
    "same_source": ("same article", "mesma notícia"),
    "and_more": ("{names} and {count} more", "{names} e mais {count}"),
    "kind.headline": ("headline", "título"),
    "kind.standfirst": ("standfirst", "linha fina"),
    "kind.caption": ("caption", "legenda"),
    "kind.byline": ("byline", "assinatura"),
    "gloss_note": (
        "Italics: offline machine translation of the quote.",
        "Itálico: tradução automática (offline) da citação.",
    ),
    "late_note": (
        "Sent late: Discord was failing to deliver this answer.",
        "Enviada com atraso: o Discord estava falhando ao entregar esta resposta.",
    ),
    "untitled": ("(untitled)", "(sem título)"),
    "undated_article": ("undated article", "notícia sem data"),
    "understood_as": ("Understood as: {question}", "Entendi como: {question}"),
    "empty_question": (
        "Ask me a question about the news, e.g. `when did Lavrov visit Pyongyang?` — or use `/ask`.",
        "Faça uma pergunta sobre as notícias, por exemplo `quando Lavrov chegou à Coreia do Norte?` — "
        "ou use `/ask`.",
    ),
    "too_long": (
        "That question is too long ({count} characters; at most {limit}) — please ask it in fewer words.",
        "Essa pergunta é longa demais ({count} caracteres; no máximo {limit}) — pergunte com menos palavras.",
    ),
    "failed": (
        "Sorry, something went wrong while answering that. The error was logged.",
        "Desculpe, algo deu errado ao responder. O erro foi registrado.",
    ),
    "command_failed": (
        "Sorry, something went wrong with that command. The error was logged.",
        "Desculpe, algo deu errado com esse comando. O erro foi registrado.",
    ),
    "not_here": ("You can't use this command here.", "Você não pode usar este comando aqui."),
    "cooldown.one": (
        "You're asking a bit fast — please try again in {count} second.",
        "Você está perguntando rápido demais — tente de novo em {count} segundo.",
    ),
    "cooldown.other": (
        "You're asking a bit fast — please try again in {count} seconds.",
        "Você está perguntando rápido demais — tente de novo em {count} segundos.",
    ),
    # --- buttons, pages --------------------------------------------------------------------------
    "delete": ("Delete", "Apagar"),
    "delete_not_yours": (
        "Only the person who asked (or a moderator) can delete this answer.",
        "Só quem perguntou (ou um moderador) pode apagar esta resposta.",
    ),
    "jump": ("Go to page…", "Ir para a página…"),
    "jump_title": ("Go to page", "Ir para a página"),
    "jump_label": ("Page (1–{pages})", "Página (1–{pages})"),
    "jump_invalid": (
        "“{value}” is not a page: type a number from 1 to {pages}.",
        "“{value}” não é uma página: digite um número de 1 a {pages}.",
    ),
    "pages_not_yours": (
        "Only the person who ran the command can turn these pages — run it yourself to browse.",
        "Só quem usou o comando pode virar estas páginas — use-o você mesmo para navegar.",
    ),
    "footer_page": ("Page {page}/{pages}", "Página {page}/{pages}"),
    # --- /search, /sources, /article ---------------------------------------------------------------
    "search_title": ("Search: {terms}", "Busca: {terms}"),
    "sentences.one": ("{count} sentence", "{count} frase"),
    "sentences.other": ("{count} sentences", "{count} frases"),
    "sources_title": ("Sources", "Fontes"),
    "sources_matching": ("Sources matching “{filter}”", "Fontes com “{filter}”"),
    "articles.one": ("{count} article", "{count} notícia"),
    "articles.other": ("{count} articles", "{count} notícias"),
    "no_filter_match": ("No article matches that filter.", "Nenhuma notícia corresponde a esse filtro."),
    "no_articles": ("No articles are loaded.", "Nenhuma notícia foi carregada."),
    "article_missing": (
        "No article matches “{text}”. Use `/sources` to see what is loaded.",
        "Nenhuma notícia corresponde a “{text}”. Use `/sources` para ver o que foi carregado.",
    ),
    "article_candidates": (
        "Several articles match “{text}” — pick one:",
        "Várias notícias correspondem a “{text}” — escolha uma:",
    ),
    "article_pick": ("Pick an article", "Escolha uma notícia"),
    "article_picked": ("Showing: {title}", "Mostrando: {title}"),
    "no_text": ("(no text)", "(sem texto)"),
    "field.date": ("Date", "Data"),
    "field.source": ("Source", "Fonte"),
    "field.author": ("Author", "Autor"),
    "field.section": ("Section", "Seção"),
    "field.language": ("Language", "Idioma"),
    "field.id": ("ID", "ID"),
    # --- /timeline, /who, follow-ups -----------------------------------------------------------------
    "timeline_title": ("Timeline: {topic}", "Linha do tempo: {topic}"),
    "timeline_undated_title": ("Timeline: {topic} — undated articles", "Linha do tempo: {topic} — notícias sem data"),
    "timeline_undated_note": (
        "These articles carry no date: what they say is not placed in time, only its time words are shown.",
        "Estas notícias não têm data: o que dizem não é situado no tempo, só as expressões de tempo são mostradas.",
    ),
    "timeline_since": ("since {date}", "desde {date}"),
    "timeline_until": ("until {date}", "até {date}"),
    "timeline_empty": ("The articles report no event about “{topic}”{range}.",
                       "As notícias não relatam nenhum evento sobre “{topic}”{range}."),
    "undated": ("undated", "sem data"),
    "events.one": ("{count} dated event", "{count} evento datado"),
    "events.other": ("{count} dated events", "{count} eventos datados"),
    "undated_events.one": ("{count} undated", "{count} sem data"),
    "undated_events.other": ("{count} undated", "{count} sem data"),
    "more_sources": ("+{count} more", "+{count} outras"),
    "close_names": ("Names in the articles close to it: {names}", "Nomes parecidos nas notícias: {names}"),
    "bad_date": (
        "“{value}” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2017, 2017-05 or 2017-05-18).",
        "“{value}” não é uma data: escreva AAAA, AAAA-MM ou AAAA-MM-DD (por exemplo 2017, 2017-05 ou 2017-05-18).",
    ),
    "bad_range": ("The range ends before it starts: {since} is after {until}.",
                  "O período termina antes de começar: {since} é depois de {until}."),
    "who_missing": ("The articles do not mention “{name}”.", "As notícias não mencionam “{name}”."),
    "who_no_description": ("The articles name {name} but do not say who or what it is.",
                           "As notícias citam {name}, mas não dizem quem ou o que é."),
    "field.spellings": ("Also written", "Também escrito"),
    "field.seen": ("First and last seen", "Primeira e última menção"),
    "field.count": ("In the articles", "Nas notícias"),
    "field.together": ("Appears with", "Aparece com"),
    "field.others": ("Not to be confused with", "Não confundir com"),
    "seen_undated": ("undated articles only", "só em notícias sem data"),
    "in_articles": ("{articles} · {sentences}", "{articles} · {sentences}"),
    # --- /reload ----------------------------------------------------------------------------------
    "reload_refused_role": (
        "Only members with the **{role}** role or the **{permission}** permission can reload the corpus.",
        "Só membros com o cargo **{role}** ou a permissão **{permission}** podem recarregar as notícias.",
    ),
    "reload_refused": (
        "Only members with the **{permission}** permission can reload the corpus.",
        "Só membros com a permissão **{permission}** podem recarregar as notícias.",
    ),
    "reload_changed": (
        "Corpus reloaded in {seconds} s: {added} added, {changed} changed, {removed} removed.",
        "Notícias recarregadas em {seconds} s: {added} novas, {changed} alteradas, {removed} removidas.",
    ),
    "reload_unchanged": (
        "Corpus re-read in {seconds} s: nothing changed.",
        "Notícias relidas em {seconds} s: nada mudou.",
    ),
    "reload_now": (
        "Now answering from {articles} articles ({sentences} sentences).",
        "Respondendo agora a partir de {articles} notícias ({sentences} frases).",
    ),
    "reload_skipped.one": ("Skipped {count} file:", "{count} arquivo ignorado:"),
    "reload_skipped.other": ("Skipped {count} files:", "{count} arquivos ignorados:"),
    "reload_more": ("… and {count} more (see the bot's log).", "… e mais {count} (veja o log do bot)."),
    "reload_failed": (
        "Reload failed — {detail}\nThe previous index is still answering questions.",
        "A recarga falhou — {detail}\nO índice anterior continua respondendo.",
    ),
    "sync_here_only": ("`sync here` only works in a server.", "`sync here` só funciona em um servidor."),
    "synced_global": ("Synced {count} slash commands globally.", "{count} comandos sincronizados globalmente."),
    "synced_here": ("Synced {count} slash commands to this server.",
                    "{count} comandos sincronizados neste servidor."),
    "owner_command_failed": ("That command failed; the error was logged.",
                             "Esse comando falhou; o erro foi registrado."),
    # --- /help ------------------------------------------------------------------------------------
    "help_title": ("Briefing bot", "Briefing bot"),
    "help_intro": (
        "I answer briefing questions from a folder of news articles (mostly Portuguese; English "
        "questions are fine) by **quoting the sentences that answer them**, with the article they "
        "come from and the date they speak of — up to {max_quotes} quotes per answer. If the articles "
        "don't say it, I tell you so instead of guessing. I reply in the language you ask in.",
        "Respondo perguntas sobre uma pasta de notícias (quase todas em português; perguntas em inglês "
        "também servem) **citando as frases que as respondem**, com a notícia de onde vêm e a data a "
        "que se referem — até {max_quotes} citações por resposta. Se as notícias não dizem, eu aviso em "
        "vez de chutar. Respondo na língua da pergunta.",
    ),
    "help_how": ("How to ask", "Como perguntar"),
    "help_how_mention": (
        "Mention me with a question, send me a DM, or reply to one of my answers. A reply (or a message in a "
        "thread on an answer) can lean on the question before: “and Shoigu?”, “when was that?”.",
        "Me mencione com uma pergunta, mande uma DM ou responda a uma das minhas respostas. Uma resposta (ou uma "
        "mensagem num tópico aberto numa resposta) pode se apoiar na pergunta anterior: “e o Shoigu?”, "
        "“e quando foi isso?”.",
    ),
    "help_how_ask": (
        "Or use **/ask** — it suggests names, questions and headlines as you type.",
        "Ou use **/ask** — ele sugere nomes, perguntas e manchetes enquanto você digita.",
    ),
    "help_how_channels": (
        "In this server's answer channels I answer every message, no mention needed.",
        "Nos canais de resposta deste servidor eu respondo toda mensagem, sem precisar de menção.",
    ),
    "help_commands": ("Commands", "Comandos"),
    "help_commands_list": (
        "**/ask** `question` — the answer, quoted\n"
        "**/search** `terms` — more matching sentences, page by page\n"
        "**/sources** `[filter]` — the articles I know\n"
        "**/article** `id` — one article's headline, date, link and first sentences\n"
        "**/timeline** `topic` `[since]` `[until]` — the dated events about a person, place or topic, in order\n"
        "**/who** `name` — who someone is, according to the articles, with sources\n"
        "**/reload** — re-read the article folder (admins)\n"
        "**/help** — this message\n"
        "🗑️ under an answer deletes it (the asker or a moderator).",
        "**/ask** `question` — a resposta, citada\n"
        "**/search** `terms` — mais frases encontradas, página por página\n"
        "**/sources** `[filter]` — as notícias que conheço\n"
        "**/article** `id` — a manchete, data, link e primeiras frases de uma notícia\n"
        "**/timeline** `topic` `[since]` `[until]` — os eventos datados sobre uma pessoa, lugar ou assunto, em ordem\n"
        "**/who** `name` — quem é alguém, segundo as notícias, com as fontes\n"
        "**/reload** — reler a pasta de notícias (administradores)\n"
        "**/help** — esta mensagem\n"
        "🗑️ embaixo de uma resposta a apaga (quem perguntou ou um moderador).",
    ),
    "help_examples": ("Examples", "Exemplos"),
    "help_examples_list": (
        "`when did Lavrov visit Pyongyang?` · `who did Kim Jong Un meet?` · `quem é John Kirby?`",
        "`quando Lavrov chegou à Coreia do Norte?` · `quem é John Kirby?` · `onde Kim encontrou Shoigu?`",
    ),
    # --- slash-command descriptions (localised in the synced payload) ------------------------------
    "cmd.ask": ("Ask a question; I answer by quoting the news articles.",
                "Faça uma pergunta; respondo citando as notícias."),
    "cmd.ask.question": ("Your question, in English or Portuguese", "Sua pergunta, em português ou inglês"),
    "cmd.search": ("The sentences that best match some words, paginated.",
                   "As frases que melhor correspondem a algumas palavras, em páginas."),
    "cmd.search.terms": ("Words to look for (names, places, topics)",
                         "Palavras a procurar (nomes, lugares, assuntos)"),
    "cmd.sources": ("The articles I answer from, newest first.",
                    "As notícias de onde tiro as respostas, das mais novas às mais antigas."),
    "cmd.sources.filter": ("Only articles whose title, outlet or id matches this",
                           "Só as notícias cujo título, veículo ou id corresponde a isto"),
    "cmd.article": ("One article: headline, date, link, first sentences.",
                    "Uma notícia: manchete, data, link, primeiras frases."),
    "cmd.article.id": ("The article (start typing its title)", "A notícia (comece a digitar o título)"),
    "cmd.timeline": ("The dated events the articles report about a person, place or topic, in order.",
                     "Os eventos datados que as notícias relatam sobre uma pessoa, lugar ou assunto, em ordem."),
    "cmd.timeline.topic": ("A person, place or topic (start typing a name)",
                           "Uma pessoa, lugar ou assunto (comece a digitar um nome)"),
    "cmd.timeline.since": ("Only events on or after this date: YYYY, YYYY-MM or YYYY-MM-DD",
                           "Só eventos nesta data ou depois: AAAA, AAAA-MM ou AAAA-MM-DD"),
    "cmd.timeline.until": ("Only events on or before this date: YYYY, YYYY-MM or YYYY-MM-DD",
                           "Só eventos nesta data ou antes: AAAA, AAAA-MM ou AAAA-MM-DD"),
    "cmd.who": ("Who someone is, according to the articles: titles with sources, dates, companions.",
                "Quem é alguém, segundo as notícias: cargos com fontes, datas, com quem aparece."),
    "cmd.who.name": ("A name as the articles write it (start typing)",
                     "Um nome como as notícias o escrevem (comece a digitar)"),
    "cmd.reload": ("Re-read the article folder (admins only).",
                   "Reler a pasta de notícias (só administradores)."),
    "cmd.help": ("What I do and how to ask me.", "O que eu faço e como me perguntar."),
}


def text(key: str, lang: str, /, **fields: object) -> str:
    """The string ``key`` in ``lang`` (English for anything but Portuguese), fields filled in."""
    en, pt = STRINGS[key]
    template = pt if lang == "pt" else en
    return template.format(**fields) if fields else template


def plural(key: str, count: int, lang: str, /, **fields: object) -> str:
    """``key.one`` or ``key.other`` by ``count`` (Portuguese, like English, uses "one" for 1 only)."""
    return text(f"{key}.{'one' if count == 1 else 'other'}", lang, count=count, **fields)


def lang_of_locale(locale: discord.Locale | str | None) -> Lang:
    """The reply language for a Discord locale: Portuguese for ``pt-BR``, English otherwise."""
    value = locale.value if isinstance(locale, discord.Locale) else str(locale or "")
    return "pt" if value.lower().startswith("pt") else "en"


def reply_lang(question_lang: str | None, fallback: Lang = "en") -> Lang:
    """The language to answer a question in: its own when known (``pt``/``en``), else ``fallback``."""
    return question_lang if question_lang in LANGS else fallback  # type: ignore[return-value]


def command_str(key: str) -> app_commands.locale_str:
    """A slash-command description as a localisable string (English text, catalogue key in extras)."""
    return app_commands.locale_str(STRINGS[key][0], key=key)
