"""An article's headline, outlet and author, derived from its front matter, URL and text.

Used by :mod:`bot.articles` once a file is read and cleaned. Shapes, not files:

* **Headline**: the front matter's ``title``; else the headline block the cleaner marked; else,
  for a scraped page whose first paragraph runs "Headline. Standfirst.  Body..." (two spaces
  after the standfirst), its first sentence; the URL's slug (``/noticia/lula-diz-que...ghtml``)
  confirms where that headline ends, or, when the text does not open with the headline at all,
  becomes the headline itself, its accents and capitals restored from the article's own words;
  else the first sentence.
* **Outlet**: the front matter's ``source`` (or ``outlet``, ``publisher``, ``site_name``...);
  else the outlet whose domain the URL is on (``outlets`` in ``boilerplate.yaml``), else the
  domain itself; else a masthead or prompt naming a known outlet ("Receba as notícias do Brasil
  247"). A wire agency or another outlet credited in the byline ("Por BBC", "Por Renan Ramalho,
  G1, Brasília"), a dateline ("SEOUL (Reuters) -") or a credit line ("Com informações da AFP")
  is added: "Reuters via Brasil 247".
* **Author**: the byline without its outlet and place ("Por Renan Ramalho, G1, Brasília" ->
  "Renan Ramalho"); None when the byline only names the outlet ("Por G1").
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from bot.language import fold
from bot.records import Block

#: Front-matter keys (besides ``source``) that name the outlet, in order of preference.
OUTLET_FIELDS = ("source", "outlet", "publisher", "site_name", "site", "publication", "veiculo", "veículo")
#: A headline longer than this is cut at a word (with "…").
TITLE_CHARS = 200
#: An article without a headline is called by its first sentence, cut to this many characters.
FALLBACK_TITLE_CHARS = 120

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»']?\s+(?=[\"“«'(]?[A-ZÀ-Ý0-9])")
_HEADLINE_BLOCK = re.compile(r"^(?P<block>\S.{8,600}?[.!?…][\"”»']?)[ \t]{2,}\S")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_DATELINE = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý .'’-]{1,40}\s*\((?P<credit>[^()]{2,40})\)\s*[-–—]\s")
_CREDIT_LINE = re.compile(
    r"^\(?\s*(?:com\s+informa[cç][oõ]es\s+d[aeo]s?|com|da|do|fonte:|source:|with)\s+(?P<credit>[^()]{2,60}?)\s*\)?\.?$",
    re.IGNORECASE,
)
_BYLINE_START = re.compile(r"^(?:por|by|de)\s+", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*[,/|]\s*|\s+[-–—]\s+")
_JOINED = re.compile(r"\s+(?:e|and|&)\s+")
_SLUG_ID = re.compile(r"^\d{5,}-|-\d{5,}$")
_NOT_A_NAME = {"none", "null", "nan", "n/a", ""}


@dataclass(frozen=True, slots=True)
class Outlets:
    """The outlet vocabulary compiled for lookups: domains and folded names -> display name."""

    domains: tuple[tuple[str, str], ...]  # (domain, name), longest domain first
    names: dict[str, str]  # folded alias -> name
    distinctive: tuple[tuple[re.Pattern[str], str], ...]  # multi-word aliases, findable inside a line

    def for_domain(self, host: str) -> str | None:
        host = host.lower().rstrip(".")
        for domain, name in self.domains:
            if host == domain or host.endswith("." + domain):
                return name
        return None

    def named(self, text: str) -> str | None:
        """The outlet ``text`` names ("O Estado de S. Paulo", "G1 RS", "Agencia EFE"), or None."""
        key = _key(text)
        if key in self.names:
            return self.names[key]
        words = key.split()
        for end in range(len(words) - 1, 0, -1):  # a regional edition: "G1 Zona da Mata", "G1 PR"
            name = self.names.get(" ".join(words[:end]))
            if name is not None and (end > 1 or len(words[0]) >= 2):
                return name
        return None

    def mentioned(self, line: str) -> str | None:
        """A distinctive outlet name inside ``line`` ("... notícias do Brasil 247 no WhatsApp")."""
        for pattern, name in self.distinctive:
            if pattern.search(line):
                return name
        return None


def _key(text: str) -> str:
    return " ".join(_WORD.findall(fold(text).casefold()))


@functools.lru_cache(maxsize=8)
def _compile(key: str) -> Outlets:
    table: Mapping[str, Sequence[str]] = json.loads(key)
    domains: list[tuple[str, str]] = []
    names: dict[str, str] = {}
    distinctive: list[tuple[re.Pattern[str], str]] = []
    for name, aliases in table.items():
        names[_key(name)] = name
        for alias in (name, *aliases):
            alias = " ".join(str(alias).split())
            if "." in alias and " " not in alias:
                domains.append((alias.lower().removeprefix("www."), name))
                continue
            names[_key(alias)] = name
            if " " in alias and any(c.isdigit() or c.isupper() for c in alias):
                pattern = re.compile(rf"(?<!\w){re.escape(alias)}(?!\w)")
                distinctive.append((pattern, name))
    domains.sort(key=lambda pair: len(pair[0]), reverse=True)
    return Outlets(tuple(domains), names, tuple(distinctive))


def compile_outlets(table: Mapping[str, Sequence[str]] | None) -> Outlets:
    """The ``outlets`` mapping of ``boilerplate.yaml`` compiled for lookups (cached)."""
    return _compile(json.dumps(dict(table or {}), sort_keys=True, ensure_ascii=False))


@dataclass(frozen=True, slots=True)
class Metadata:
    """What :func:`derive` found."""

    title: str
    source: str | None
    author: str | None


def derive(*, title: str | None, url: str | None, author: str | None, fields: Mapping[str, Any], body: str,
           blocks: Sequence[Block], dropped: Iterable[str], fallback_title: str, outlets: Outlets) -> Metadata:
    """The headline, outlet and author of one article.

    ``title``, ``url`` and ``author`` are the front matter's (None when absent), ``fields`` all its
    fields (keys lower-cased, for the outlet's), ``body`` the raw text after the front matter,
    ``blocks`` the cleaned paragraphs, ``dropped`` the furniture lines the cleaner removed
    (prompts and labels, where mastheads hide), ``fallback_title`` what to call it when nothing
    better is found (the file's name).
    """
    title = _text(title) or headline(body, blocks, url) or fallback_title
    site = _site(fields, url, outlets, dropped)
    people, credits = _byline(_text(author), outlets)
    credits += _body_credits(blocks, outlets)
    credit = next((c for c in credits if c != site), None)
    source = f"{credit} via {site}" if site and credit else site or credit
    return Metadata(title=_cut(title), source=source, author=people)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, Mapping | list | tuple):
        return None
    text = " ".join(str(value).split())
    return None if text.casefold() in _NOT_A_NAME else text


def _cut(text: str, limit: int = TITLE_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:-–— ") + "…"


# --- headline -------------------------------------------------------------------------------------


def headline(body: str, blocks: Sequence[Block], url: str | None) -> str | None:
    """The article's headline from its text and URL (see the module docstring), or None."""
    for block in blocks:
        if block.kind == "headline":
            return block.text
    lead = next((b.text for b in blocks if b.kind in ("body", "standfirst")), None)
    if lead is None:
        return None
    slug = slug_words(url)
    if slug:  # the text opens with the headline the slug was made from, or it lacks the headline
        found = _slug_headline(lead, slug)
        return _unstop(found) if found else _restore(slug, lead_text(blocks))
    first_line = next((line.strip() for line in body.splitlines() if line.strip()), "")
    shaped = _HEADLINE_BLOCK.match(first_line)
    if shaped and lead.startswith(" ".join(shaped.group("block").split())[:40]):
        return _unstop(_first_sentence(" ".join(shaped.group("block").split())))
    return _cut(_first_sentence(lead), FALLBACK_TITLE_CHARS)


def lead_text(blocks: Sequence[Block], chars: int = 4000) -> str:
    """The article's first ``chars`` characters, for restoring a slug's accents and capitals."""
    return " ".join(b.text for b in blocks)[:chars]


def _unstop(headline: str) -> str:
    """A headline without the full stop a scraper put after it ("... helicóptero." -> "... helicóptero")."""
    return headline[:-1] if headline.endswith(".") and not headline.endswith("..") else headline


def slug_words(url: str | None) -> list[str]:
    """The words of a URL's last path segment, when it is a slug ("lula-diz-que-vai-recorrer")."""
    if not url:
        return []
    path = unquote(urlsplit(url).path).rstrip("/")
    segment = path.rsplit("/", 1)[-1]
    segment = re.sub(r"\.(?:g|s)?html?$|\.php$|\.aspx?$", "", segment)
    if "," in segment:  # estadao.com.br: "geral,the-slug,70001876937"
        segment = max(segment.split(","), key=lambda part: part.count("-"))
    segment = _SLUG_ID.sub("", segment)
    words = [w for w in segment.lower().split("-") if w]
    return words if len(words) >= 2 and all(_WORD.fullmatch(w) for w in words) else []


def _slug_headline(lead: str, slug: list[str]) -> str | None:
    """The headline at the start of ``lead`` that ``slug`` was made from, or None when the lead
    does not open with the slug's words.

    All of the slug found: the headline ends with it (or with its sentence, when only a few words
    more follow: a slug drops some). Most of it: the sentence it ends in.
    """
    words = list(itertools.islice(_WORD.finditer(lead), len(slug)))
    matched = 0
    for match in words:
        if matched == len(slug) or fold(match.group()).casefold() != slug[matched]:
            break
        matched += 1
    if matched < min(3, len(slug)) or matched < 0.6 * len(slug):
        return None
    end = words[matched - 1].end()
    sentence = _sentence_containing(lead, end)
    if matched == len(slug) and len(sentence[end:].split()) > 4:
        return lead[:end].strip()
    return sentence


def _sentence_containing(text: str, position: int) -> str:
    """The sentences of ``text`` from its start up to the end of the one holding ``position``."""
    for boundary in _SENTENCE_END.finditer(text):
        if boundary.start() >= position:
            return text[:boundary.start()].strip()
    return text.strip()


def _first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text, maxsplit=1)[0].strip()


def _restore(slug: list[str], text: str) -> str:
    """The slug as words: each written as the article writes it (accents, capitals of names)."""
    forms: defaultdict[str, Counter[str]] = defaultdict(Counter)
    looked_up = {w for w in slug if len(w) > 2}  # "e"/"é", "a"/"à": too short to tell, left as they are
    if looked_up:
        folded = fold(text)  # offsets match the original's (accented letters fold one to one)
        alternatives = "|".join(sorted(map(re.escape, looked_up), key=len, reverse=True))
        for match in re.finditer(rf"(?<!\w)(?:{alternatives})(?!\w)", folded):
            start, end = match.span()
            before = text[max(0, start - 3):start].rstrip()[-1:]
            if before and before not in ".!?:\"“«":  # not capitalised by a sentence start
                forms[match.group()][text[start:end]] += 1
    words = []
    for plain in slug:
        seen = forms.get(plain)
        words.append(seen.most_common(1)[0][0] if seen else plain)
    sentence = " ".join(words)
    return sentence[:1].upper() + sentence[1:]


# --- outlet and author -------------------------------------------------------------------------------


def _site(fields: Mapping[str, Any], url: str | None, outlets: Outlets, dropped: Iterable[str]) -> str | None:
    for key in OUTLET_FIELDS:
        value = _text(fields.get(key))
        if value:
            return outlets.named(value) or value
    if url:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
        if host:
            return outlets.for_domain(host) or re.sub(r"^(?:www\d?|m|amp)\.", "", host)
    for line in dropped:
        name = outlets.mentioned(line)
        if name:
            return name
    return None


def _byline(author: str | None, outlets: Outlets) -> tuple[str | None, list[str]]:
    """(the people of a byline, the outlets it credits).

    "Por Renan Ramalho, G1, Brasília" -> ("Renan Ramalho", ["G1"]); "Por BBC" -> (None, ["BBC"]).
    """
    if not author:
        return None, []
    text = _BYLINE_START.sub("", author.strip())
    people: list[str] = []
    credits: list[str] = []
    for part in _AUTHOR_SPLIT.split(text):
        part = part.strip()
        if not part:
            continue
        whole = outlets.named(part)  # "G1", "G1 Ribeirão e Franca", "O Estado de S.Paulo"
        named = [whole] if whole else [outlets.named(piece) for piece in _JOINED.split(part)]
        if all(named):  # ... or several: "G1 e TV Globo"
            credits.extend(n for n in named if n)
            break  # what follows the outlet is where it was written: "Brasília"
        if part[0].isupper() and not part.isupper():
            people.append(part)  # "enviado especial a Curitiba", "CORRESPONDENTE" and the like are left out
    return (", ".join(people) or None), credits


def _body_credits(blocks: Sequence[Block], outlets: Outlets) -> list[str]:
    """Outlets credited by a dateline, a credit line or a byline block."""
    credits: list[str] = []
    for block in blocks:
        text = block.text
        dateline = _DATELINE.match(text)
        if dateline:
            inner = dateline.group("credit")
            credits.append(outlets.named(inner) or inner)
        elif len(text) <= 120 and len(text.split()) <= 10:
            line = _CREDIT_LINE.match(text)
            if line and outlets.named(line.group("credit")):
                credits.append(outlets.named(line.group("credit")) or "")
            elif block.kind == "byline":
                _, found = _byline(text.strip("()"), outlets)
                credits.extend(found)
                for piece in re.findall(r",\s*d[aeo]\s+([^,;()]+)", text):  # "Por Fulano, da Folha"
                    name = outlets.named(piece)
                    if name:
                        credits.append(name)
    return [c for c in credits if c]
