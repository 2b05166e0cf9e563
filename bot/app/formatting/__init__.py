"""Answers, listings and reports -> Discord embeds and message text, within Discord's limits.

Pure functions: nothing here talks to Discord or to the index. Every piece of article text is
escaped (markdown and mentions) before it is put into a message, and every function returns
pieces that already fit Discord's limits (2,000 characters of content; embed title 256,
description 4,096, field 1,024, footer 2,048, 6,000 per embed and per message, 25 fields,
10 embeds per message; choices and options of 100 characters, 25 of them), splitting into
several embeds or messages instead of failing. Text is only cut (with "…", at a word
boundary) when a single piece is longer than the room it has. All wording comes from
:mod:`bot.app.strings`, in the reply's language.
"""

from bot.app.formatting._answers import (
    QUOTE_BLOCK_LIMIT,
    SUGGESTIONS_SHOWN,
    answer_embeds,
    direct_answer,
    direct_line,
    pack_embeds,
    quote_block,
    wants_gloss,
    with_late_note,
)
from bot.app.formatting._choices import article_choices, article_label, article_options, text_choices
from bot.app.formatting._pages import (
    article_embed,
    fit_lines,
    help_embed,
    limited_embed,
    reload_failure_text,
    reload_messages,
    search_pages,
    sources_pages,
)
from bot.app.formatting._text import (
    BUTTON_LABEL_LIMIT,
    CHOICE_COUNT,
    CHOICE_LIMIT,
    COLOUR,
    ELLIPSIS,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_COUNT,
    EMBED_FIELD_NAME_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    EMBEDS_PER_MESSAGE,
    MESSAGE_LIMIT,
    SELECT_OPTION_COUNT,
    SELECT_OPTION_LIMIT,
    UNSURE_COLOUR,
    code,
    escape,
    fitted_link,
    format_date,
    link,
    safe_url,
    source_line,
    split_message,
    truncate,
)

__all__ = [
    "BUTTON_LABEL_LIMIT", "CHOICE_COUNT", "CHOICE_LIMIT", "COLOUR", "ELLIPSIS", "EMBEDS_PER_MESSAGE",
    "EMBED_DESCRIPTION_LIMIT", "EMBED_FIELD_COUNT", "EMBED_FIELD_NAME_LIMIT", "EMBED_FIELD_VALUE_LIMIT",
    "EMBED_FOOTER_LIMIT", "EMBED_TITLE_LIMIT", "EMBED_TOTAL_LIMIT", "MESSAGE_LIMIT", "QUOTE_BLOCK_LIMIT",
    "SELECT_OPTION_COUNT", "SELECT_OPTION_LIMIT", "SUGGESTIONS_SHOWN", "UNSURE_COLOUR", "answer_embeds",
    "article_choices", "article_embed", "article_label", "article_options", "code", "direct_answer", "direct_line",
    "escape", "fit_lines", "fitted_link", "format_date", "help_embed", "limited_embed", "link", "pack_embeds",
    "quote_block", "reload_failure_text", "reload_messages", "safe_url", "search_pages", "source_line",
    "sources_pages", "split_message", "text_choices", "truncate", "wants_gloss", "with_late_note",
]
