"""Article loading: files -> Article records (bot/articles.py)."""

from __future__ import annotations

import logging
import os
import tarfile
import tempfile
import time
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import articles
from bot.articles import (
    DEFAULT_BOILERPLATE_PATH,
    MAX_BYTES,
    file_signature,
    iter_article_files,
    load_article,
    load_boilerplate,
    load_folder,
    parse_date,
)
from bot.records import Article

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SEED_DATED = CORPUS / "000_a7028091738e38a3.txt"
SEED_SCRAPED = CORPUS / "003_7e1905dfbb2939a1.txt"
NEWS_TARBALL = Path(__file__).resolve().parents[2] / "shared/bench/news-pt.tar.gz"

#: Page furniture of the scraped seed, quoted from the file: none of it may become a block.
SEED_FURNITURE = (
    "HOME\u00a0>\u00a0Mundo",
    "✅ Receba as notícias do Brasil 247 e da TV 247 no canal do Brasil 247 e na comunidade 247 no WhatsApp.",
    "iBest: 247 é o melhor canal de política do Brasil no voto popular",
    "Assine o 247, apoie por Pix, inscreva-se na TV 247, no canal Cortes 247 e assista:",
    "Relacionados",
)

#: Front matter + first paragraphs of news-pt/0001.txt: a BOM opens the body, CRLF line ends.
NEWS_0001 = (
    '---\nauthor: "Naira Trindade"\n'
    'url: "http://politica.estadao.com.br/blogs/coluna-do-estadao/podemos-expulsa-gaguim-e-abre-espaco-para-katia-abreu/"\n'
    'section: "politica"\ndate: "2017-12-13"\nlang: "pt"\n---\n\n'
    "\ufeffO Podemos decidiu  expulsar o deputado federal Carlos Gaguim do partido após a Polícia Federal "
    "fazer buscas a apreensões no gabinete dele na Câmara. Com isso, a legenda abre espaço para receber a "
    "senadora expulsa pelo PMDB, Katia Abreu.\r\n\r\n"
    "O partido, que no passado chegou a cogitar lançar o parlamentar como candidato ao Senado, diz que "
    "“apoia a investigação com a ampla apuração dos eventuais crimes cometidos”.\r\n"
)

#: news-pt/0821.txt opens with its headline glued to the first sentence.
NEWS_0821 = (
    '---\nauthor: "BBC"\nsection: "politica"\ndate: "2018-03-19"\nlang: "pt"\n---\n\n'
    "O que esperar do novo mandato de Putin na Rússia?. Atual presidente do país deverá manter suas "
    "políticas, mas vai precisar conquistar o público jovem que não viveu a crise após o fim da União "
    "Soviética. .  Há 18 anos no poder - como primeiro-ministro e presidente da Rússia -, Vladimir Putin se "
    "reelegeu neste domingo (18).\n\n"
    "Ele teve uma votação de mais de 76% dos votos.\n"
)

#: news-pt/0010.txt: a headline line, then body paragraphs.
NEWS_0010 = (
    '---\nauthor: "Marco Rodrigo Almeida"\nsection: "politica"\ndate: "2018-01-12"\nlang: "pt"\n---\n\n'
    "Bolsonaro é um liberal completo, diz presidente do PSL\n\n"
    "Partido de pouca expressão nacional, o PSL vive momentos de destaque inédito em sua trajetória de "
    "duas décadas.\n\n"
    'No dia 5, a sigla anunciou que "receberia Jair Bolsonaro e sua pré-candidatura à Presidência da '
    'República".\n'
)

#: news-pt/0280.txt has no date at all.
NEWS_0280 = (
    '---\nauthor: "Frederico Vasconcelos"\n'
    'url: "http://blogdofred.blogfolha.uol.com.br/2018/02/28/o-auxilio-moradia-e-a-pos-verdade/"\n'
    'section: "tv_celebridades"\nlang: "pt"\n---\n\n'
    "Auxílio-moradia e ‘pós-verdade’\n\n"
    "Sob o título, “Auxílio-Moradia é auxílio-moradia?”, o artigo a seguir é de autoria de Ana Lúcia "
    "Amaral, procuradora regional da República aposentada.\n\n***\n\n"
    "O texto aponta contradições e distorções envolvendo a concessão do benefício.\n"
)

PT_BODY = (
    "A cúpula entre os dois provocou receios entre as potências ocidentais de que a Coreia do Norte vá "
    "fornecer armas à Rússia para sua guerra de longo prazo na Ucrânia.\n\n"
    "Na sexta-feira, o governo dos Estados Unidos afirmou que as entregas de material bélico já estavam "
    "em curso.\n"
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def load(folder: Path, name: str, content: str | bytes) -> Article:
    article, skipped = load_article(write(folder, name, content), folder)
    assert skipped is None, skipped
    assert article is not None
    return article


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    records = caplog.records
    return [r.getMessage() for r in records if r.name == "bot.articles" and r.levelno >= logging.WARNING]


def texts(article: Article, kind: str | None = None) -> list[str]:
    return [b.text for b in article.blocks if kind is None or b.kind == kind]


# --------------------------------------------------------------------------- the seeds


def test_seed_header_gives_month_date_and_is_dropped(caplog: pytest.LogCaptureFixture) -> None:
    assert SEED_DATED.read_text(encoding="utf-8").startswith(" date 2023-10 436\n")
    article, skipped = load_article(SEED_DATED, CORPUS)
    assert skipped is None and article is not None
    assert article.id == "000_a7028091738e38a3.txt"
    assert article.date == "2023-10"
    assert article.lang == "pt"
    assert not any("2023-10" in t or "436" in t for t in texts(article))
    assert len(article.blocks) == 10 and {b.kind for b in article.blocks} == {"body"}
    assert article.blocks[0].text.startswith("O ministro russo das Relações Exteriores, Serguei Lavrov")
    # No headline: the title is the first sentence, cut near 120 characters.
    assert article.title.startswith("O ministro russo das Relações Exteriores")
    assert article.title.endswith("…") and len(article.title) <= 121
    assert warnings_of(caplog) == []


def test_scraped_seed_loses_all_furniture() -> None:
    raw = SEED_SCRAPED.read_text(encoding="utf-8")
    article, skipped = load_article(SEED_SCRAPED, CORPUS)
    assert skipped is None and article is not None
    for line in SEED_FURNITURE:
        assert line in raw  # the test is about real lines of the seed
        core = " ".join(line.split())
        for block in article.blocks:
            assert core not in block.text and block.text not in core, (line, block)


def test_scraped_seed_block_kinds() -> None:
    article, _ = load_article(SEED_SCRAPED, CORPUS)
    assert article is not None
    headline = (
        "Kim Jong Un, da Coreia do Norte, se reúne com Shoigu, da Rússia: 'interesses de segurança mútua'"
    )
    assert texts(article, "headline") == [headline]
    assert article.title == headline
    assert texts(article, "standfirst") == [
        "O líder da Coreia do Norte afirmou que o seu país continuará a expandir a cooperação com o "
        "governo russo"
    ]
    [caption] = texts(article, "caption")
    assert caption.endswith("(Foto: KCNA via REUTERS)")
    assert texts(article, "byline") == ["(Reportagem de Joyce Lee)"]
    body = texts(article, "body")
    assert len(body) == 7
    assert body[0].startswith("SEOUL (Reuters) - O líder norte-coreano")  # a dateline credit is not a caption
    assert body[-1].startswith("Na ocasião, ele ficou lado a lado com Kim")
    assert article.blocks[0].kind == "headline" and article.blocks[-1].kind == "byline"
    assert article.date is None and article.lang == "pt"


# --------------------------------------------------------------------------- scraped-page rules in general


def test_furniture_rules_are_general_not_seed_lines(tmp_path: Path) -> None:
    page = (
        "Home » World » Asia\n\n"
        "Tokyo governor wins second term in landslide\n\n"
        "Yuriko Koike beat a crowded field of challengers in the capital's election\n\n"
        "Koike waves to supporters at her campaign office (Photo: AP)\n\n"
        "📩 Sign up for our morning newsletter\n\n"
        "Yuriko Koike won a second term as governor of Tokyo on Sunday, public broadcaster NHK said, after "
        "a campaign dominated by the cost of living.\n\n"
        "Read more: Japan's ruling party loses ground in the capital\n\n"
        "Her campaign team used WhatsApp and Telegram groups to reach young voters across the city, a "
        "strategy that analysts said could be copied in other races next year.\n\n"
        "(Reporting by Tim Kelly; Editing by Ed Davies)\n\n"
        "Advertisement\n\n"
        "Share this article\n\n"
        "Related\n"
    )
    article = load(tmp_path, "page.txt", page)
    assert [b.kind for b in article.blocks] == ["headline", "standfirst", "caption", "body", "body", "byline"]
    assert article.title == "Tokyo governor wins second term in landslide"
    assert any("WhatsApp and Telegram" in t for t in texts(article, "body"))  # long sentence, kept
    joined = " ".join(texts(article))
    for gone in ("Home", "Sign up", "Read more", "Advertisement", "Share this", "Related"):
        assert gone not in joined
    assert article.lang == "en"


def test_trailing_promo_lines_go_but_closing_lists_stay(tmp_path: Path) -> None:
    promo = PT_BODY + "\nCanal 99: a melhor audiência do país na pesquisa anual\n\nSiga-nos no Instagram\n"
    article = load(tmp_path, "promo.txt", promo)
    assert texts(article)[-1].startswith("Na sexta-feira")
    poll = PT_BODY + "\nLula (PT): 37%\n\nJair Bolsonaro (PSC): 18%\n\nCiro Gomes (PDT): 7%\n\nLeia também\n"
    article = load(tmp_path, "poll.txt", poll)
    assert texts(article)[-3:] == ["Lula (PT): 37%", "Jair Bolsonaro (PSC): 18%", "Ciro Gomes (PDT): 7%"]


def test_share_widgets_and_symbol_list_items(tmp_path: Path) -> None:
    # news-pt/0129.txt ends with share widgets; news-pt/0195.txt lists people with ▶ bullets.
    text = (
        PT_BODY + "\n▶ Yuriko Koike\ngovernadora de Tóquio\n\n▶ Emmanuel Macron\npresidente da França\n\n"
        "COMPARTILHE\nCompartilhe no Twitter\nCompartilhar988\n"
    )
    article = load(tmp_path, "a.txt", text)
    assert texts(article)[-2:] == [
        "▶ Yuriko Koike governadora de Tóquio", "▶ Emmanuel Macron presidente da França"
    ]


def test_body_mentioning_prompt_words_is_kept(tmp_path: Path) -> None:
    text = (
        "O presidente enviou mensagem pelo WhatsApp e pelo Telegram aos aliados do partido.\n\n"
        "O senador disse que vai assinar o projeto e pediu que os colegas o compartilhem com as bases, "
        "segundo a assessoria.\n"
    )
    article = load(tmp_path, "a.txt", text)
    assert len(article.blocks) == 2 and {b.kind for b in article.blocks} == {"body"}


def test_custom_boilerplate_vocabulary(tmp_path: Path) -> None:
    text = PT_BODY + "\nConteúdo patrocinado\n"
    path = write(tmp_path, "a.txt", text)
    default, _ = load_article(path, tmp_path)
    custom, _ = load_article(path, tmp_path, {"labels": ["conteúdo patrocinado"]})
    assert default is not None and custom is not None
    assert texts(default)[-1] == "Conteúdo patrocinado"
    assert texts(custom)[-1].startswith("Na sexta-feira")
    # Keys left out fall back to the shipped vocabulary.
    assert "Relacionados" not in texts(load(tmp_path, "b.txt", PT_BODY + "\nRelacionados\n"))


def test_load_boilerplate_shipped_and_bad(tmp_path: Path) -> None:
    shipped = load_boilerplate(DEFAULT_BOILERPLATE_PATH)
    assert set(shipped) == set(articles.BOILERPLATE_KEYS)
    assert "assine" in shipped["prompt_starts"] and "subscribe" in shipped["prompt_starts"]
    bad = write(tmp_path, "boilerplate.yaml", "labels: relacionados\n")
    with pytest.raises(ValueError, match="labels must be a list"):
        load_boilerplate(bad)
    unknown = write(tmp_path, "b.yaml", "colours: [red]\n")
    with pytest.raises(ValueError, match="not a known key"):
        load_boilerplate(unknown)


# --------------------------------------------------------------------------- front matter and dates


def test_news_front_matter_bom_and_crlf(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    article = load(tmp_path, "news-pt/0001.txt", NEWS_0001)
    assert article.id == "news-pt/0001.txt"
    assert article.author == "Naira Trindade"
    assert article.url is not None and article.url.startswith("http://politica.estadao.com.br/")
    assert article.section == "politica" and article.date == "2017-12-13" and article.lang == "pt"
    first = article.blocks[0].text
    assert first.startswith("O Podemos decidiu expulsar")  # BOM gone, double space collapsed
    assert not any("\ufeff" in t or "\r" in t for t in texts(article))
    assert len(article.blocks) == 2
    assert article.title == "Podemos expulsa Gaguim e abre espaço para Katia Abreu"  # from the URL's slug
    assert warnings_of(caplog) == []


def test_news_headline_line_and_glued_headline(tmp_path: Path) -> None:
    article = load(tmp_path, "0010.txt", NEWS_0010)
    assert texts(article, "headline") == ["Bolsonaro é um liberal completo, diz presidente do PSL"]
    assert article.title == "Bolsonaro é um liberal completo, diz presidente do PSL"
    glued = load(tmp_path, "0821.txt", NEWS_0821)
    assert glued.blocks[0].kind == "body"
    assert glued.blocks[0].text.startswith("O que esperar do novo mandato de Putin na Rússia?. Atual")
    assert glued.title == "O que esperar do novo mandato de Putin na Rússia?"


def test_news_without_date_and_separator_lines(tmp_path: Path) -> None:
    article = load(tmp_path, "0280.txt", NEWS_0280)
    assert article.date is None
    assert article.title == "Auxílio-moradia e ‘pós-verdade’"
    assert "***" not in texts(article)
    assert len(article.blocks) == 3


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ('"2017-12-13"', "2017-12-13"),
        ("2017-12-13", "2017-12-13"),
        ("2017-12", "2017-12"),
        ('"2017-8"', "2017-08"),
        ("2017", "2017"),
        ("2017-08-05T14:03:00Z", "2017-08-05"),
        ('"2017-08-05 14:03"', "2017-08-05"),
        ("2017-08-05T23:30:00-03:00", "2017-08-05"),
        ('"05/08/2017"', "2017-08-05"),
        ("2017-13-45", None),
        ("soon", None),
        ('""', None),
    ],
)
def test_front_matter_date_formats(tmp_path: Path, written: str, expected: str | None) -> None:
    article = load(tmp_path, "a.txt", f"---\ntitle: Teste\ndate: {written}\n---\n\n{PT_BODY}")
    assert article.date == expected
    assert article.title == "Teste"


def test_parse_date_objects_and_written_dates() -> None:
    assert parse_date(date(2017, 8, 5)) == "2017-08-05"
    assert parse_date(datetime(2017, 8, 5, 14, 3)) == "2017-08-05"
    assert parse_date(2017) == "2017"
    assert parse_date(True) is None and parse_date(None) is None and parse_date(12) is None
    assert parse_date("5 de agosto de 2017") == "2017-08-05"
    assert parse_date("agosto de 2017") == "2017-08"


def test_unparseable_front_matter_date_kept_in_meta(tmp_path: Path) -> None:
    article = load(tmp_path, "a.txt", f"---\ndate: sometime\n---\n\n{PT_BODY}")
    assert article.date is None and article.meta["date_raw"] == "sometime"


def test_unknown_front_matter_keys_kept(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Cúpula\nTags: [coreia, rússia]\nrating: 5\npublished: 2017-08-05\n"
        "source: Agência X\nauthor: [Ana, Bruno]\nlang: pt-BR\n---\n\n" + PT_BODY
    )
    article = load(tmp_path, "a.txt", text)
    assert article.meta == {"Tags": ["coreia", "rússia"], "rating": 5, "published": "2017-08-05"}
    assert article.source == "Agência X" and article.author == "Ana, Bruno" and article.lang == "pt"


def test_broken_yaml_loads_body_partially(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = '---\ntitle: "Cúpula em Pyongyang\ndate: 2023-10-18\nauthor: [unclosed\n---\n\n' + PT_BODY
    path = write(tmp_path, "broken.txt", text)
    article, skipped = load_article(path, tmp_path)
    assert article is not None and skipped is not None
    assert skipped.path == "broken.txt" and "YAML" in skipped.reason
    assert texts(article)[0].startswith("A cúpula entre os dois")
    assert article.date == "2023-10-18"  # recovered from the plain `key: value` lines
    [warning] = warnings_of(caplog)
    assert str(path) in warning and "YAML" in warning


def test_unclosed_front_matter(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    article, skipped = load_article(write(tmp_path, "a.txt", "---\ntitle: Sem fim\n\n" + PT_BODY), tmp_path)
    assert article is not None and skipped is not None and "not closed" in skipped.reason
    assert article.title == "Sem fim" and len(article.blocks) == 2
    assert len(warnings_of(caplog)) == 1


def test_markdown_rule_is_not_front_matter(tmp_path: Path) -> None:
    article = load(tmp_path, "a.md", "---\nUma frase de abertura sem chave.\n---\n\n" + PT_BODY)
    assert texts(article)[0] == "Uma frase de abertura sem chave."


def test_markdown_heading_and_links(tmp_path: Path) -> None:
    text = (
        "# Lavrov chega a Pyongyang\n\n![foto](img.jpg)\n"
        "O ministro [Serguei Lavrov](https://example.org/lavrov) chegou à Coreia do Norte\n"
        "nesta quarta-feira.\n\n## Contexto\n\n" + PT_BODY
    )
    article = load(tmp_path, "a.md", text)
    assert article.blocks[0] == articles.Block("Lavrov chega a Pyongyang", "headline")
    assert texts(article)[1] == "O ministro Serguei Lavrov chegou à Coreia do Norte nesta quarta-feira."
    assert "Contexto" in texts(article, "body")


# --------------------------------------------------------------------------- text normalisation


def test_paragraphs_whitespace_unicode_and_zero_width(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "A cooperação")
    text = (
        f"\u200b{decomposed}   militar\ncresceu\u00a0muito em 2023.\n \t\n"
        "\u2060Segundo parágrafo\rcom quebra antiga.\r\rTerceiro.\n"
    )
    article = load(tmp_path, "a.txt", text)
    assert texts(article) == [
        "A cooperação militar cresceu muito em 2023.",
        "Segundo parágrafo com quebra antiga.",
        "Terceiro.",
    ]
    assert unicodedata.is_normalized("NFC", article.blocks[0].text)


def test_cp1252_file_loads_with_one_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = "---\ntitle: Relações\n---\n\n" + PT_BODY.replace("curso.", "curso — “não há provas”.")
    path = write(tmp_path, "latin.txt", text.encode("cp1252"))
    article, skipped = load_article(path, tmp_path)
    assert skipped is None and article is not None
    assert article.encoding == "cp1252" and article.title == "Relações"
    assert texts(article)[1].endswith("em curso — “não há provas”.")
    [warning] = warnings_of(caplog)
    assert str(path) in warning and "cp1252" in warning


def test_latin1_controls_repaired(tmp_path: Path) -> None:
    # news-pt/0344.txt holds U+0096 (a cp1252 dash read as Latin-1) inside its front matter.
    front = '---\nauthor: "Helton Gomes, G1 \u0096 San Francisco"\n---\n\n'
    article = load(tmp_path, "a.txt", front + PT_BODY)
    assert article.author == "Helton Gomes" and article.source == "G1"
    assert article.meta["byline"] == "Helton Gomes, G1 – San Francisco"


def test_utf16_with_bom(tmp_path: Path) -> None:
    article = load(tmp_path, "a.txt", PT_BODY.encode("utf-16"))
    assert texts(article)[0].startswith("A cúpula") and article.encoding == "utf-16-le"


def test_title_falls_back_to_file_stem(tmp_path: Path) -> None:
    article = load(tmp_path, "sub/kim-shoigu.txt", "Kim recebe Shoigu em Pyongyang (Foto: KCNA via REUTERS)\n")
    assert [b.kind for b in article.blocks] == ["caption"]
    assert article.title == "kim-shoigu" and article.id == "sub/kim-shoigu.txt"


def test_language_detected_without_front_matter(tmp_path: Path) -> None:
    assert load(tmp_path, "pt.txt", PT_BODY).lang == "pt"
    english = "The foreign minister arrived in North Korea on Wednesday for an official visit.\n\n" * 2
    assert load(tmp_path, "en.txt", english).lang == "en"


# --------------------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b" \n\n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (bytes(range(1, 32)) * 200, "binary"),
        (b"---\ntitle: x\n---\n\nRelacionados\n\nLeia mais\n", "no article text"),
    ],
)
def test_unloadable_files_skipped_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes, reason: str
) -> None:
    path = write(tmp_path, "bad.txt", content)
    article, skipped = load_article(path, tmp_path)
    assert article is None and skipped is not None
    assert skipped.path == "bad.txt" and reason in skipped.reason
    [warning] = warnings_of(caplog)
    assert str(path) in warning


def test_permission_denied(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "locked.txt", PT_BODY)

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(articles, "open", denied, raising=False)
    article, skipped = load_article(path, tmp_path)
    assert article is None and skipped is not None and "Permission denied" in skipped.reason
    assert len(warnings_of(caplog)) == 1


def test_huge_file_read_in_part_quickly(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    paragraph = ("Parágrafo de teste sobre a cúpula entre Rússia e Coreia do Norte. " * 5 + "\n\n").encode()
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.write(paragraph * (50 * 1024 * 1024 // len(paragraph)))
    assert path.stat().st_size > 45 * 1024 * 1024
    started = time.perf_counter()
    article, skipped = load_article(path, tmp_path)
    assert time.perf_counter() - started < 5
    assert article is not None and skipped is not None and "MB" in skipped.reason
    assert 0 < sum(len(t) + 2 for t in texts(article)) <= MAX_BYTES
    assert len(warnings_of(caplog)) == 1


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("brackets.md", "[" * 500_000),
        ("links.md", "![x](" * 100_000),
        ("punctuation.txt", "!" * 500_000 + "a"),
        ("parens.txt", "(Foto: " * 70_000),
        ("keys.txt", "---\n" + "k: v\n" * 100_000),
        ("nested.txt", "---\n" + "a:\n " * 100_000),
    ],
)
def test_hostile_text_loads_in_linear_time(tmp_path: Path, name: str, text: str) -> None:
    started = time.perf_counter()
    article, skipped = load_article(write(tmp_path, name, text), tmp_path)
    assert time.perf_counter() - started < 3
    assert article is not None or skipped is not None


def test_directory_named_like_article(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "x.txt"
    folder.mkdir()
    write(folder, "inner.txt", PT_BODY)
    article, skipped = load_article(folder, tmp_path)
    assert article is None and skipped is not None and "directory" in skipped.reason
    assert len(warnings_of(caplog)) == 1
    caplog.clear()
    loaded, skipped_files = load_folder(tmp_path)
    assert [a.id for a in loaded] == ["x.txt/inner.txt"] and skipped_files == []  # walked as a folder


def test_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    article, skipped = load_article(fifo, tmp_path)
    assert article is None and skipped is not None and "regular file" in skipped.reason


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_load_article_never_raises_on_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.txt"
        path.write_bytes(data)
        article, skipped = load_article(path, Path(folder))
    assert article is not None or skipped is not None
    if article is not None:
        assert article.id == "fuzz.txt" and article.blocks and all(b.text.strip() for b in article.blocks)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(["title", "date", "lang", "x"]), max_size=4),
    st.text(max_size=80),
    st.text(max_size=400),
)
def test_load_article_never_raises_on_front_matter(keys: list[str], value: str, body: str) -> None:
    text = "---\n" + "".join(f"{k}: {value}\n" for k in keys) + "---\n" + body
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.md"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        article, skipped = load_article(path, Path(folder))
    assert article is not None or skipped is not None
    if article is not None:
        assert article.date is None or len(article.date) in (4, 7, 10)


# --------------------------------------------------------------------------- folders


def test_iter_article_files_recursive_sorted_and_filtered(tmp_path: Path) -> None:
    for name in ("b.txt", "a.md", "sub/c.TXT", "sub/deeper/d.txt", "notes.pdf", ".hidden.txt",
                 ".index/e.txt", ".git/f.txt", "__pycache__/g.txt"):
        write(tmp_path, name, PT_BODY)
    found = [p.relative_to(tmp_path).as_posix() for p in iter_article_files(tmp_path)]
    assert found == ["a.md", "b.txt", "sub/c.TXT", "sub/deeper/d.txt"]


def test_symlink_loops_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path, "a/one.txt", PT_BODY)
    write(tmp_path, "b/two.txt", PT_BODY)
    (tmp_path / "a" / "loop").symlink_to(tmp_path)  # back to the root
    (tmp_path / "b" / "self").symlink_to(tmp_path / "b")
    (tmp_path / "alias").symlink_to(tmp_path / "a")  # same folder twice: loaded once
    (tmp_path / "knot.txt").symlink_to(tmp_path / "knot.txt")
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    write(outside, "three.txt", PT_BODY)
    (tmp_path / "linked").symlink_to(outside)  # a symlinked folder outside the corpus: only when allowed
    loaded, skipped = load_folder(tmp_path, follow_external_symlinks=True)
    assert [a.id for a in loaded] == ["a/one.txt", "b/two.txt", "linked/three.txt"]
    reasons = {s.path: s.reason for s in skipped}
    assert set(reasons) == {"a/loop", "b/self", "alias", "knot.txt"}
    assert "loop" in reasons["a/loop"] and "loop" in reasons["b/self"] and "loop" in reasons["knot.txt"]
    assert len(warnings_of(caplog)) == 4
    loaded, skipped = load_folder(tmp_path)  # the default: nothing outside the corpus is read
    assert [a.id for a in loaded] == ["a/one.txt", "b/two.txt"]
    assert "outside the corpus folder" in {s.path: s.reason for s in skipped}["linked"]


def test_load_folder_survives_every_bad_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(articles, "MAX_BYTES", 4096)  # "huge" without writing 50 MB twice
    write(tmp_path, "good/one.txt", NEWS_0001)
    write(tmp_path, "good/two.md", NEWS_0010)
    write(tmp_path, "bad/empty.txt", b"")
    write(tmp_path, "bad/binary.txt", b"\x00\x01\x02" * 100)
    write(tmp_path, "bad/broken.txt", "---\ntitle: [x\n---\n\n" + PT_BODY)
    write(tmp_path, "bad/huge.txt", PT_BODY * 100)
    write(tmp_path, "bad/latin.txt", PT_BODY.encode("cp1252"))
    (tmp_path / "bad" / "dir.txt").mkdir()
    (tmp_path / "bad" / "loop").symlink_to(tmp_path / "bad")
    (tmp_path / "bad" / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    calls: list[tuple[int, int]] = []
    loaded, skipped = load_folder(tmp_path, progress=lambda done, total: calls.append((done, total)))
    assert [a.id for a in loaded] == [
        "bad/broken.txt", "bad/huge.txt", "bad/latin.txt", "good/one.txt", "good/two.md"
    ]
    assert {s.path for s in skipped} == {
        "bad/empty.txt", "bad/binary.txt", "bad/broken.txt", "bad/huge.txt", "bad/loop", "bad/dangling.txt"
    }
    # one line per bad file (latin.txt loads fully but warns about its encoding)
    assert len(warnings_of(caplog)) == 7
    assert calls == [(i, 8) for i in range(1, 9)]


def test_file_signature(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", PT_BODY)
    size, mtime = file_signature(path)
    assert size == path.stat().st_size and mtime == path.stat().st_mtime_ns
    os.utime(path, ns=(mtime + 10**9, mtime + 10**9))
    assert file_signature(path) == (size, mtime + 10**9)
    assert file_signature(tmp_path / "missing.txt") == (-1, -1)


@pytest.mark.skipif(not NEWS_TARBALL.exists(), reason="shared news-pt bench is not available")
def test_whole_news_set_loads(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with tarfile.open(NEWS_TARBALL) as tar:
        tar.extractall(tmp_path, filter="data")
    loaded, skipped = load_folder(tmp_path)  # its speed is measured by benchmarks/, not asserted here
    assert len(loaded) == 3600 and skipped == []
    assert warnings_of(caplog) == []
    assert all(a.id.startswith("news-pt/") and a.lang == "pt" and a.blocks for a in loaded)
    assert sum(a.date is not None for a in loaded) == 3599
