"""Sentence splitting (Portuguese and English news) and Article -> Sentence records."""

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.articles import load_article
from bot.records import Article, Block
from bot.sentences import MAX_SENTENCE_CHARS, article_sentences, segment_text, split_sentences

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
    # related links, labels, bullets, dated items, lowercase text, long runs
    "+", "++", "+++", "+ Lula", "Leia", "mais", "também:", "LEIA MAIS:", "OUTRAS DO BLOG:", "–", "•",
    "12 de julho de 2000:", "1.o de dezembro:", "Segundo", "Trump", "mencionou", "diz", "ele.", "sr.",
    ";", ":", "a," * 30, "palavra " * 60,
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
    # The invariant: sentences and the furniture left out of them, in order, are the whole text.
    segments = segment_text(text)
    assert " ".join(s.text for s in segments) == " ".join(text.split())
    assert all(s.text and s.text == s.text.strip() and "  " not in s.text for s in segments)
    assert split_sentences(text) == [s.text for s in segments if not s.furniture]


# --- related links and link labels: furniture, not sentences -------------------------------------

# Each case: text, the sentences it must give, the furniture left out (shapes from the news set).
LINK_CASES: dict[str, tuple[str, list[str], list[str]]] = {
    "plus link between sentences, ended by a sentence opener": (
        "O encontro ocorreu em Seul. + Secretário-geral da ONU alerta para risco nuclear Depois de um ano de "
        "tensão, os dois países voltaram a conversar.",
        ["O encontro ocorreu em Seul.", "Depois de um ano de tensão, os dois países voltaram a conversar."],
        ["+ Secretário-geral da ONU alerta para risco nuclear"],
    ),
    "ended by a capitalised word and a verb": (
        "O governo não revelou detalhes. + Coreia do Norte classifica discurso de Trump como declaração de "
        "guerra Trump mencionou o caso do estudante americano.",
        ["O governo não revelou detalhes.", "Trump mencionou o caso do estudante americano."],
        ["+ Coreia do Norte classifica discurso de Trump como declaração de guerra"],
    ),
    "a chain of links, one in quotes": (
        "A defesa recorreu. + PF encontra remessa da Odebrecht a ex-dono do terreno + ‘Há mais dados a serem "
        "revelados’, dizem peritos Segundo a defesa, o laudo é falho.",
        ["A defesa recorreu.", "Segundo a defesa, o laudo é falho."],
        [
            "+ PF encontra remessa da Odebrecht a ex-dono do terreno",
            "+ ‘Há mais dados a serem revelados’, dizem peritos",
        ],
    ),
    "+++ without a space; a name after a verb of saying stays in the headline": (
        "Ele disse que vai recorrer. +++Política não resolveu questão com Coreia do Norte, diz Trump Os "
        "exercícios começam amanhã.",
        ["Ele disse que vai recorrer.", "Os exercícios começam amanhã."],
        ["+++Política não resolveu questão com Coreia do Norte, diz Trump"],
    ),
    "ended by an opening quotation": (
        "A operação terminou. + Herdeira de apartamento diz que venda era para Lula “Há razoável suspeita de "
        "fraude”, informa a Receita.",
        ["A operação terminou.", "“Há razoável suspeita de fraude”, informa a Receita."],
        ["+ Herdeira de apartamento diz que venda era para Lula"],
    ),
    "a one-word section kicker after the link is article text": (
        "O crime chocou o país. ++Dois homens são mortos pelo Exército no Rio Apoio. Enfrentando o déficit, o "
        "governo cortou verbas.",
        ["O crime chocou o país.", "Apoio.", "Enfrentando o déficit, o governo cortou verbas."],
        ["++Dois homens são mortos pelo Exército no Rio"],
    ),
    "label and headline": (
        "A decisão foi unânime. LEIA MAIS: Delação da Odebrecht: Renan Filho é suspeito de receber ao menos "
        "R$ 800 mil O ex-presidente Lula é citado em seis petições.",
        ["A decisão foi unânime.", "O ex-presidente Lula é citado em seis petições."],
        ["LEIA MAIS: Delação da Odebrecht: Renan Filho é suspeito de receber ao menos R$ 800 mil"],
    ),
    "label with a space before the colon": (
        "O texto termina aqui. Leia também : Defesa desiste de suspender inquérito Ao jornal, Temer disse que "
        "recebeu Joesley.",
        ["O texto termina aqui.", "Ao jornal, Temer disse que recebeu Joesley."],
        ["Leia também : Defesa desiste de suspender inquérito"],
    ),
    "a label alone, as a sentence or glued to the next one": (
        "O caso foi arquivado. Leia mais. A jovem morreu após o acidente. Veja mais detalhes . Leia mais Sofia "
        "Cobucci, de 8 anos, é uma artista.",
        ["O caso foi arquivado.", "A jovem morreu após o acidente.", "Sofia Cobucci, de 8 anos, é uma artista."],
        ["Leia mais.", "Veja mais detalhes .", "Leia mais"],
    ),
    "a label that introduces links, and links at the end of the text": (
        "Fim da nota. OUTRAS DO BLOG: + Supremo afasta Aécio do Senado + Tribunal nega a Lula acesso a softwares",
        ["Fim da nota."],
        ["OUTRAS DO BLOG:", "+ Supremo afasta Aécio do Senado", "+ Tribunal nega a Lula acesso a softwares"],
    ),
    "a question headline ends at its question mark": (
        "Ele saiu. + Lula pode ser preso? + Entenda os cenários para Lula Os ministros votam hoje.",
        ["Ele saiu.", "Os ministros votam hoje."],
        ["+ Lula pode ser preso?", "+ Entenda os cenários para Lula"],
    ),
}


@pytest.mark.parametrize("case", list(LINK_CASES), ids=list(LINK_CASES))
def test_related_links_and_labels_are_left_out_of_the_sentences(case: str) -> None:
    text, sentences, furniture = LINK_CASES[case]
    segments = segment_text(text)
    assert [s.text for s in segments if not s.furniture] == sentences
    assert [s.text for s in segments if s.furniture] == furniture
    assert split_sentences(text) == sentences
    assert " ".join(s.text for s in segments) == " ".join(text.split())


@pytest.mark.parametrize(
    "text",
    [
        "A entrada custa R$ 15 (20 minutos) + R$ 1 (cada minuto excedente). A aliança PSDB + DEM venceu.",
        "Ligue para +55 11 3333-4444. O atendimento é 24 horas.",
        "O caso foi arquivado. Veja mais informações no site da câmara.",
        "Ela ( leia mais abaixo ) saiu. O site publicou os números (veja mais detalhes abaixo).",
    ],
)
def test_a_plus_or_a_label_inside_article_text_is_kept(text: str) -> None:
    assert not any(s.furniture for s in segment_text(text))


def test_a_list_of_plus_bulleted_sentences_is_article_text() -> None:
    # Most "+" runs are whole sentences: the page's own list ("+ O curso ..."), not related links.
    text = (
        "Veja a programação. + O curso de culinária é dividido em duas aulas. + A oficina de DJ ensina "
        "técnicas de mixagem. + Em 2014, quatro amigos abriram uma pista de skate."
    )
    assert split_sentences(text) == [
        "Veja a programação.",
        "+ O curso de culinária é dividido em duas aulas.",
        "+ A oficina de DJ ensina técnicas de mixagem.",
        "+ Em 2014, quatro amigos abriram uma pista de skate.",
    ]


def test_a_link_whose_end_cannot_be_found_is_never_taken_with_the_sentence_after_it() -> None:
    # No boundary within a headline's length and the run reaches a full stop: it stays article text,
    # split off the sentence before it, rather than losing a sentence of the article.
    text = (
        "Ele saiu. + Dois ônibus da caravana de Lula são atingidos por tiros no Paraná Petistas e aliados "
        "do partido têm dito há semanas que a culpa será do governo federal."
    )
    assert split_sentences(text) == [
        "Ele saiu.",
        "+ Dois ônibus da caravana de Lula são atingidos por tiros no Paraná Petistas e aliados do partido "
        "têm dito há semanas que a culpa será do governo federal.",
    ]
    glued = text.replace("+ Dois", "+++Dois")  # a marker glued to its first word splits off too
    assert split_sentences(glued)[0] == "Ele saiu."


def test_article_sentences_leave_related_links_out_of_the_index() -> None:
    article = Article(
        id="x/links.txt", title="T", date="2017-11-21", lang="pt",
        blocks=(Block("O governo não revelou detalhes. + Coreia do Norte classifica discurso de Trump como "
                      "declaração de guerra Trump mencionou o caso do estudante."),),
    )
    texts = [r.text for r in article_sentences(article)]
    assert texts == ["O governo não revelou detalhes.", "Trump mencionou o caso do estudante."]


# --- bullets, dated lists, lowercase text ------------------------------------------------------

TIMELINE = (
    "Veja abaixo as principais datas. – Agosto de 1998: Teste de lançamento acima do Japão. A operação "
    "fracassa. – 12 de julho de 2000: Fracasso das negociações. – 1.o de dezembro de 2016: ONU endurece as "
    "sanções – 3 de setembro de 2017: Coreia do Norte anuncia o teste."
)


def test_a_dash_bullet_timeline_splits_into_dated_items() -> None:
    assert split_sentences(TIMELINE) == [
        "Veja abaixo as principais datas.",
        "– Agosto de 1998: Teste de lançamento acima do Japão.",
        "A operação fracassa.",
        "– 12 de julho de 2000: Fracasso das negociações.",
        "– 1.o de dezembro de 2016: ONU endurece as sanções",  # no full stop: the next item still splits
        "– 3 de setembro de 2017: Coreia do Norte anuncia o teste.",
    ]


def test_dated_items_without_a_colon_split_when_the_date_is_full() -> None:
    text = (
        "– 25 de novembro de 2016 Morre, aos 90 anos, Fidel Castro. – 16 de junho de 2017 O presidente Donald "
        "Trump condiciona o levantamento das sanções."
    )
    assert len(split_sentences(text)) == 2


def test_each_dated_item_carries_its_date_and_its_other_sentences_inherit_it() -> None:
    article = Article(id="x/t.txt", title="T", date="2017-09-04", lang="pt", blocks=(Block(TIMELINE),))
    records = {r.text: r for r in article_sentences(article)}
    assert records["– Agosto de 1998: Teste de lançamento acima do Japão."].when == "1998-08"
    assert records["A operação fracassa."].when == "1998-08"  # inside the 1998 item
    assert records["A operação fracassa."].dates == ("1998-08",)
    assert records["– 12 de julho de 2000: Fracasso das negociações."].when == "2000-07-12"
    assert records["– 1.o de dezembro de 2016: ONU endurece as sanções"].when == "2016-12-01"
    assert records["Veja abaixo as principais datas."].when is None


def test_the_last_items_tail_does_not_inherit_its_date() -> None:
    text = "– 12 de julho de 2000: Fracasso das negociações. – 3 de setembro de 2017: Novo teste. O governo reagiu."
    article = Article(id="x/t.txt", title="T", date="2017-09-04", lang="pt", blocks=(Block(text),))
    assert article_sentences(article)[-1].when is None  # the list may have ended: no guess


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "O ministro falou. • Uma nova publicação foi feita. ● Caio Dib fundou o projeto.",
            ["O ministro falou.", "• Uma nova publicação foi feita.", "● Caio Dib fundou o projeto."],
        ),
        (
            "Os números caíram. >> Leia ao final desta reportagem as versões de Lula.",
            ["Os números caíram.", ">> Leia ao final desta reportagem as versões de Lula."],
        ),
        (
            "Ele falou. (...) As empresas estrangeiras pagaram.",
            ["Ele falou.", "(...) As empresas estrangeiras pagaram."],
        ),
        (
            "“ Dados do Depen mostram queda. “ Eu já estava planejando parar em maio.",
            ["“ Dados do Depen mostram queda.", "“ Eu já estava planejando parar em maio."],
        ),
        (
            "Foi o que ele disse. – Jacqueline Muniz respondeu depois.",
            ["Foi o que ele disse.", "– Jacqueline Muniz respondeu depois."],
        ),
    ],
)
def test_a_bullet_or_a_detached_opener_after_a_sentence_end_starts_a_sentence(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_text_without_capitals_splits_at_terminators() -> None:
    text = "o presidente chegou ontem. ele disse que o sr. silva vai falar? sim! a reunião dura 2 h. depois todos saem."
    assert split_sentences(text) == [
        "o presidente chegou ontem.",
        "ele disse que o sr. silva vai falar?",
        "sim!",
        "a reunião dura 2 h.",
        "depois todos saem.",
    ]


def test_a_lowercase_word_after_a_period_in_ordinary_text_does_not_split() -> None:
    # A text with capitals elsewhere writes its sentence starts with one: this period is not an end.
    assert split_sentences("Ele chegou e parou. ele disse que vai falar.") == [
        "Ele chegou e parou. ele disse que vai falar."
    ]


# --- over-long sentences ----------------------------------------------------------------------


def test_a_long_quotation_with_attribution_splits_at_its_sentence_ends() -> None:
    quote = " ".join(f"Esta é a frase número {i} da longa declaração do ministro sobre o orçamento." for i in range(8))
    text = f"“{quote}”, disse o ministro. Depois saiu."
    sentences = split_sentences(text)
    assert all(len(s) <= MAX_SENTENCE_CHARS for s in sentences)
    assert sentences[-1] == "Depois saiu."
    assert sentences[-2].endswith("”, disse o ministro.")
    assert sentences[0].startswith("“Esta é a frase número 0") and sentences[0].endswith("orçamento.")
    assert " ".join(sentences) == text


def test_a_long_sentence_splits_at_a_semicolon_before_a_comma() -> None:
    first = "O governo anunciou medidas para o setor elétrico, para o setor de transportes e para a saúde pública"
    second = "a oposição, que votou contra todas elas, prometeu recorrer ao Supremo Tribunal Federal em Brasília"
    text = f"{first} em todo o país, com prazos definidos; {second} e aos tribunais regionais, com pedidos de liminar."
    text = text.replace("todo o país", "todo o país " + "e nas capitais " * 12)
    assert len(text) > MAX_SENTENCE_CHARS
    pieces = split_sentences(text)
    assert len(pieces) == 2 and pieces[0].endswith("com prazos definidos;")


def test_a_long_sentence_without_stronger_boundaries_splits_at_commas_outside_brackets() -> None:
    clause = "o relator leu o voto, que tratou das provas e dos depoimentos"
    text = "Na sessão, " + ", ".join([clause] * 8) + " (com muitas citações, datas, nomes e lugares), e saiu."
    pieces = split_sentences(text)
    assert len(pieces) >= 2
    assert all(len(p) <= MAX_SENTENCE_CHARS for p in pieces)
    assert all(len(p) >= 40 for p in pieces)
    assert not any(p.startswith(("datas", "nomes", "lugares")) for p in pieces)  # not inside the brackets
    assert " ".join(pieces) == text


def test_a_long_run_without_any_boundary_stays_whole() -> None:
    text = "palavra " * 80 + "fim."
    assert split_sentences(text) == [" ".join(text.split())]


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
