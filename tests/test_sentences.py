"""Sentence splitting (Portuguese and English news) and Article -> Sentence records."""

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.articles import load_article
from bot.records import Article, Block
from bot.sentences import article_sentences, split_sentences

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SEED_LAVROV = "000_a7028091738e38a3.txt"
SEED_SHOIGU = "003_7e1905dfbb2939a1.txt"

PESKOV = (
    '"Os serviços de Inteligência britânicos indicaram isto, os americanos afirmam isso há muito tempo. '
    'Dizem isso o tempo todo, mas nunca apresentaram qualquer prova", disse o porta-voz da presidência '
    "russa, Dmitri Peskov, citado pela Tass."
)


def seed(name: str) -> Article:
    article, skipped = load_article(CORPUS / name, CORPUS)
    assert article is not None and skipped is None
    return article


# Each case: the input text and the sentences it must give, in order.
CASES: dict[str, tuple[str, list[str]]] = {
    "titles": (
        "O Sr. Silva e a Sra. Souza falaram com o Dr. Pedro e a Dra. Ana. O Prof. Lima chegou depois.",
        ["O Sr. Silva e a Sra. Souza falaram com o Dr. Pedro e a Dra. Ana.", "O Prof. Lima chegou depois."],
    ),
    "ranks and offices": (
        "Gen. Gerasimov, Cel. Ivanov, o Min. Fux, o Dep. Lira, Sen. Gomes votaram. Depois saíram.",
        ["Gen. Gerasimov, Cel. Ivanov, o Min. Fux, o Dep. Lira, Sen. Gomes votaram.", "Depois saíram."],
    ),
    "lowercase titles from the news set": (
        "O perfil do sr. Alexandre é outro. A indicação da sra. Brasil começa mal.",
        ["O perfil do sr. Alexandre é outro.", "A indicação da sra. Brasil começa mal."],
    ),
    "EUA ends a sentence": (
        "Os jornalistas decidiram continuar morando nos EUA. Recentemente, Eliakim trabalhava lá.",
        ["Os jornalistas decidiram continuar morando nos EUA.", "Recentemente, Eliakim trabalhava lá."],
    ),
    "dotted English abbreviations": (
        "The U.S. Army said it would leave. The U.K. government agreed. He moved to the U.S. The president "
        "said no.",
        [
            "The U.S. Army said it would leave.",
            "The U.K. government agreed.",
            "He moved to the U.S.",
            "The president said no.",
        ],
    ),
    "S.Paulo and p.ex.": (
        "Ele nasceu em S.Paulo. Depois mudou-se para o Rio, p.ex. em 1990.",
        ["Ele nasceu em S.Paulo.", "Depois mudou-se para o Rio, p.ex. em 1990."],
    ),
    "et al. and Jan.": (
        "Smith et al. found the effect. Published in Jan. 2020, it was cited by Jones et al. (2021).",
        ["Smith et al. found the effect.", "Published in Jan. 2020, it was cited by Jones et al. (2021)."],
    ),
    "numbers": (
        "O custo foi de R$ 1,9 milhão. A inflação foi de 2,5% e foram vendidos 1.000 carros por 11.163 "
        "rublos. Os EUA pagaram US$ 3.5 bi.",
        [
            "O custo foi de R$ 1,9 milhão.",
            "A inflação foi de 2,5% e foram vendidos 1.000 carros por 11.163 rublos.",
            "Os EUA pagaram US$ 3.5 bi.",
        ],
    ),
    "numbered references": (
        "Os dados são da Lei nº. 13.254 e do art. 5. O texto segue. No. 10 Downing St. is the address. "
        "It is old.",
        [
            "Os dados são da Lei nº. 13.254 e do art. 5.",
            "O texto segue.",
            "No. 10 Downing St. is the address.",
            "It is old.",
        ],
    ),
    "initials": (
        "John F. Kennedy was killed in 1963. J. R. R. Tolkien wrote books. Trump ficou atrás de George W. "
        "Bush (118).",
        [
            "John F. Kennedy was killed in 1963.",
            "J. R. R. Tolkien wrote books.",
            "Trump ficou atrás de George W. Bush (118).",
        ],
    ),
    "single capital letters: initials unless a sentence opener follows": (
        "X se reduz a Y. Existem muitos tipos. Níveis de vitamina D. Posteriormente, caem. A conjectura de "
        "H. Brocard diz isso. John F. Kelly chegou.",
        [
            "X se reduz a Y.",
            "Existem muitos tipos.",
            "Níveis de vitamina D.",
            "Posteriormente, caem.",
            "A conjectura de H. Brocard diz isso.",
            "John F. Kelly chegou.",
        ],
    ),
    "company suffixes": (
        "A Petrobras S.A. O grupo anunciou lucro. A Vale S.A. informou queda. Martin Luther King Jr. was "
        "born in Atlanta. He died in 1968.",
        [
            "A Petrobras S.A.",
            "O grupo anunciou lucro.",
            "A Vale S.A. informou queda.",
            "Martin Luther King Jr. was born in Atlanta.",
            "He died in 1968.",
        ],
    ),
    "ellipses": (
        "Ele hesitou... e depois falou. Ela esperou... O trem não veio. O benefício (...) Passa a ter valor.",
        [
            "Ele hesitou... e depois falou.",
            "Ela esperou...",
            "O trem não veio.",
            "O benefício (...) Passa a ter valor.",
        ],
    ),
    "addresses": (
        "Acesse www.g1.globo.com. Ou escreva para joao@g1.com.br. Veja http://g1.com/a.b?x=1 hoje.",
        ["Acesse www.g1.globo.com.", "Ou escreva para joao@g1.com.br.", "Veja http://g1.com/a.b?x=1 hoje."],
    ),
    "times": (
        "A reunião começou às 13h15. Terminou às 10:30. Todos saíram.",
        ["A reunião começou às 13h15.", "Terminou às 10:30.", "Todos saíram."],
    ),
    "street abbreviations": (
        "Ele mora na Av. Paulista. Ela mora na R. Augusta, nº 5.",
        ["Ele mora na Av. Paulista.", "Ela mora na R. Augusta, nº 5."],
    ),
    "quote closes with a full stop": (
        'Ele disse: "Vamos vencer." Depois saiu.',
        ['Ele disse: "Vamos vencer."', "Depois saiu."],
    ),
    "question in quotes then lowercase attribution": (
        '"Vamos vencer?" perguntou ele. Ninguém respondeu.',
        ['"Vamos vencer?" perguntou ele.', "Ninguém respondeu."],
    ),
    "curly quote with attribution": (
        "“Vamos vencer. Nós somos fortes”, afirmou o técnico. O time perdeu.",
        ["“Vamos vencer. Nós somos fortes”, afirmou o técnico.", "O time perdeu."],
    ),
    "English quote with the comma inside": (
        '"We will win. They will lose," Mr. Kim said, citing the U.N. Security Council. It ended.',
        ['"We will win. They will lose," Mr. Kim said, citing the U.N. Security Council.', "It ended."],
    ),
    "single curly quotes with attribution, apostrophes inside": (
        "‘A água d’ali acabou. Ninguém veio’, disse o morador. Ele saiu.",
        ["‘A água d’ali acabou. Ninguém veio’, disse o morador.", "Ele saiu."],
    ),
    "guillemets with attribution": (
        "«Isto é grave. Muito grave», disse Macron. Ele saiu.",
        ["«Isto é grave. Muito grave», disse Macron.", "Ele saiu."],
    ),
    "curly question then a new sentence": (
        "Ele perguntou: “Quem paga?” O ministro não respondeu.",
        ["Ele perguntou: “Quem paga?”", "O ministro não respondeu."],
    ),
    "quote ends then the sentence goes on after a period": (
        'O porta-voz falou em "todas as áreas". Depois saiu.',
        ['O porta-voz falou em "todas as áreas".', "Depois saiu."],
    ),
    "quoted sentences without attribution are split": (
        '"Temos muitas frentes. É importante que ampliemos isso." O momento pede cautela.',
        ['"Temos muitas frentes.', 'É importante que ampliemos isso."', "O momento pede cautela."],
    ),
    "news-set artefacts: ?. and a space before the period": (
        "O que esperar do novo mandato de Putin na Rússia?. Atual presidente do país deverá manter suas "
        "políticas. .  Há 18 anos no poder, Putin se reelegeu. Ele conquistou uma vitória ampla frente aos "
        "outros candidatos . Putin mantém sua popularidade.",
        [
            "O que esperar do novo mandato de Putin na Rússia?.",
            "Atual presidente do país deverá manter suas políticas. .",
            "Há 18 anos no poder, Putin se reelegeu.",
            "Ele conquistou uma vitória ampla frente aos outros candidatos .",
            "Putin mantém sua popularidade.",
        ],
    ),
    "double period": (
        "Atendente prestou depoimento à polícia nesta quarta-feira..  A Polícia Civil analisa imagens.",
        ["Atendente prestou depoimento à polícia nesta quarta-feira..", "A Polícia Civil analisa imagens."],
    ),
    "period after a closing bracket": (
        "In: CARVALHO, José Murilo de (org.). Visconde do Uruguai. Fecha dom.). TEMPERO abre.",
        ["In: CARVALHO, José Murilo de (org.).", "Visconde do Uruguai.", "Fecha dom.).", "TEMPERO abre."],
    ),
    "byline inside a paragraph": (
        "Kim Jong-un chegou. (Reportagem de Joyce Lee) O líder saiu.",
        ["Kim Jong-un chegou.", "(Reportagem de Joyce Lee)", "O líder saiu."],
    ),
    "dateline stays attached": (
        "SEOUL (Reuters) - O líder norte-coreano Kim Jong Un se reuniu com Shoigu. Eles conversaram.",
        ["SEOUL (Reuters) - O líder norte-coreano Kim Jong Un se reuniu com Shoigu.", "Eles conversaram."],
    ),
    "agency dateline at the start": (
        "(Reuters) - O líder norte-coreano chegou. Ele saiu.",
        ["(Reuters) - O líder norte-coreano chegou.", "Ele saiu."],
    ),
    "exclamation and lowercase brand": (
        "Que vitória! iPhone vendeu bem. A Apple Inc. anunciou o iPhone.",
        ["Que vitória!", "iPhone vendeu bem.", "A Apple Inc. anunciou o iPhone."],
    ),
    "etc. before an opener": (
        "Saúde, Educação, Transportes, etc. Os membros das Comissões são indicados.",
        ["Saúde, Educação, Transportes, etc.", "Os membros das Comissões são indicados."],
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_split_cases(case: str) -> None:
    text, expected = CASES[case]
    assert split_sentences(text) == expected


def test_peskov_quote_with_attribution_is_one_sentence() -> None:
    assert split_sentences(PESKOV) == [PESKOV]
    short = '"Dizem isso o tempo todo, mas nunca apresentaram qualquer prova", disse Dmitri Peskov.'
    assert split_sentences(short + " Ele saiu.") == [short, "Ele saiu."]


def test_long_multi_sentence_quote_with_attribution_from_the_news_set() -> None:
    quote = (
        '"Ele foi crescendo e entrou numa fase de muita agressividade. No início, ficávamos cheio de '
        'hematomas. Foi preciso aprender a segurá-lo sem me machucar e sem machucá-lo", conta Ana Maria.'
    )
    assert split_sentences(f"{quote} A família se mudou.") == [quote, "A família se mudou."]


def test_unbalanced_quote_does_not_glue_a_paragraph() -> None:
    # An opening quote closed (or stray) a thousand characters later is not one quotation.
    text = 'Ele citou o "relatório. ' + "Outra frase longa. " * 60 + 'Fim", disse ele.'
    sentences = split_sentences(text)
    assert len(sentences) == 62
    assert sentences[-1] == 'Fim", disse ele.'


def test_whitespace_is_normalised_and_empty_input_gives_nothing() -> None:
    assert split_sentences("  Primeira\tfrase.\n\nSegunda   frase. ") == ["Primeira frase.", "Segunda frase."]
    assert split_sentences(" \n\t ") == []
    assert split_sentences("Sem ponto final") == ["Sem ponto final"]


_PIECES = [
    "Sr.", "Dr.", "EUA.", "U.S.", "1.000", "2,5%", "R$", "a.C.", "J.", "F.", "Kennedy.", "disse", "ele",
    "O", "A", "The", "iPhone", ".", "..", "...", "…", "?", "!", "?.", '"', "“", "”", "«", "»", "'", "(",
    ")", "(Reuters)", "-", "—", ",", "prova\",", "tempo.", "13h15.", "10:30.", "www.g1.com.", "x@y.com.",
    "etc.", "Inc.", "nº.", "5.", "p.ex.", "Rússia?.", "(...)", "É", "ção.",
]
_SPACES = st.sampled_from([" ", "  ", "\n", "\n\n", "\t", " \n "])


@st.composite
def news_like_text(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=6)), max_size=40))
    gaps = draw(st.lists(_SPACES, min_size=len(parts), max_size=len(parts)))
    return "".join(p + g for p, g in zip(parts, gaps, strict=True))


@settings(max_examples=400, deadline=None)
@given(news_like_text())
def test_splitting_never_loses_or_invents_text(text: str) -> None:
    sentences = split_sentences(text)
    assert " ".join(sentences) == " ".join(text.split())
    assert all(s and s == s.strip() and "  " not in s for s in sentences)


def test_seed_lavrov_sentences() -> None:
    records = article_sentences(seed(SEED_LAVROV))
    texts = [r.text for r in records]
    assert PESKOV in texts
    containers = [t for t in texts if "mais de 1.000 contêineres" in t]
    assert containers == [
        "O porta-voz do Conselho de Segurança Nacional da Casa Branca, John Kirby, disse que a Coreia do "
        "Norte forneceu mais de 1.000 contêineres de equipamento militar à Rússia nas últimas semanas."
    ]
    assert [r.position for r in records] == list(range(len(records)))
    assert all(r.article_id == SEED_LAVROV for r in records)
    arrival = next(r for r in records if "chegou à Coreia do Norte" in r.text)
    assert arrival.when == "2023-10-18"  # "nesta quarta-feira (18)" in an article dated 2023-10
    assert "2023-10-18" in arrival.dates


def test_seed_shoigu_byline_dateline_and_kinds() -> None:
    records = article_sentences(seed(SEED_SHOIGU))
    texts = [r.text for r in records]
    assert "(Reportagem de Joyce Lee)" in texts
    dateline = next(t for t in texts if t.startswith("SEOUL (Reuters) -"))
    assert dateline.endswith("informou a mídia estatal KCNA no sábado (horário local).")
    assert any(r.kind != "body" for r in records)
    soviet = next(r for r in records if "União Soviética em 1991" in r.text)
    assert "1991" in soviet.dates


def test_article_sentences_numbers_across_blocks_and_keeps_kinds() -> None:
    article = Article(
        id="x/1.txt",
        title="Título",
        date="2023-10-18",
        lang="pt",
        blocks=(
            Block("Kim recebe Shoigu em Pyongyang", "headline"),
            Block("O encontro ocorreu no sábado. Eles discutiram cooperação. Em 2022, houve outro.", "body"),
            Block("(Reportagem de Joyce Lee)", "byline"),
        ),
    )
    records = article_sentences(article)
    assert [(r.position, r.kind, r.text) for r in records] == [
        (0, "headline", "Kim recebe Shoigu em Pyongyang"),
        (1, "body", "O encontro ocorreu no sábado."),
        (2, "body", "Eles discutiram cooperação."),
        (3, "body", "Em 2022, houve outro."),
        (4, "byline", "(Reportagem de Joyce Lee)"),
    ]
    assert records[3].when == "2022" and records[3].dates == ("2022",)
    assert records[2].when is None and records[2].dates == ()
    assert all(r.article_id == "x/1.txt" for r in records)


def test_article_without_blocks_has_no_sentences() -> None:
    assert article_sentences(Article(id="e.txt", title="", date=None, lang="pt", blocks=())) == []


def test_splitting_is_fast() -> None:
    # A generous floor (the real rate is ~200k sentences/s) that still catches regex blow-ups.
    paragraph = " ".join(Block(PESKOV).text for _ in range(3)) + " O Sr. Silva chegou. Ele saiu. " * 20
    paragraphs = [paragraph] * 100
    start = time.perf_counter()
    count = sum(len(split_sentences(p)) for p in paragraphs)
    rate = count / (time.perf_counter() - start)
    assert count == 100 * 43
    assert rate > 10_000
