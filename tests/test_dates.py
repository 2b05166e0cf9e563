"""Time expressions -> dates: bot/dates.py.

Snippets are quoted from the seeds in corpus/ and from the news set (article date in the test id).
"""

from __future__ import annotations

import datetime as dt
import logging
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dates import DateMention, article_anchor, main_date, sentence_dates, weekday_label

SEED_1 = [
    "O ministro russo das Relações Exteriores, Serguei Lavrov, chegou à Coreia do Norte para uma visita "
    "oficial nesta quarta-feira (18), informaram as agências de notícias de seu país, no momento em que "
    "Moscou e Pyongyang trabalham ativamente em uma aproximação.",
    "Esta visita de dois dias acontece pouco mais de um mês depois da viagem do líder norte-coreano "
    "Kim Jong-un à Rússia para uma reunião excepcional com o presidente Vladimir Putin.",
]


def values(text: str, anchor: str | None, lang: str = "pt") -> list[str]:
    return [m.value for m in sentence_dates(text, anchor, lang)]


def when(text: str, anchor: str | None, lang: str = "pt") -> str | None:
    return main_date(sentence_dates(text, anchor, lang))


# --- article_anchor ----------------------------------------------------------------------------


def test_anchor_pins_the_day_of_a_month_only_date_from_the_first_seed() -> None:
    assert article_anchor("2023-10", SEED_1) == "2023-10-18"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("aprovou por unanimidade neste sábado (5) uma resolução", "2017-08-05"),
        ("A OMS, desta quarta (13), alertou", "2017-08-13"),
        ("morreu aos 95 anos no final da noite deste sábado, 3, em casa", "2017-08-03"),
    ],
)
def test_anchor_accepts_the_forms_of_the_pinning_expression(text: str, expected: str) -> None:
    assert article_anchor("2017-08", ["Título", text]) == expected


def test_anchor_keeps_the_day_and_warns_when_the_weekday_disagrees(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.dates"):
        assert article_anchor("2023-10", ["visita oficial nesta quinta-feira (18), informaram"]) == "2023-10-18"
    assert "Wednesday" in caplog.text


def test_anchor_leaves_full_dates_years_and_none_alone() -> None:
    assert article_anchor("2018-03-18", SEED_1) == "2018-03-18"
    assert article_anchor("2023", SEED_1) == "2023"
    assert article_anchor(None, SEED_1) is None
    assert article_anchor("2023-10", ["Nada de datas aqui."]) == "2023-10"


def test_anchor_ignores_an_impossible_day_and_only_scans_the_start() -> None:
    assert article_anchor("2023-02", ["nesta quinta-feira (30), e nesta quinta-feira (2)"]) == "2023-02-02"
    late = ["x" * 4000 + " nesta quarta-feira (18)"]
    assert article_anchor("2023-10", late) == "2023-10"


def test_anchor_rejects_an_unreadable_date(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.dates"):
        assert article_anchor("18/10/2023", SEED_1) is None
    assert "YYYY" in caplog.text


# --- weekdays ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, anchor, expected",
    [
        # seed 1 (header 2023-10, pinned to 2023-10-18)
        ("chegou à Coreia do Norte para uma visita oficial nesta quarta-feira (18)", "2023-10-18", "2023-10-18"),
        ("Na sexta-feira, o governo dos Estados Unidos afirmou que as entregas", "2023-10-18", "2023-10-13"),
        ("o Kremlin afirmou na terça-feira que \"não há provas\"", "2023-10-18", "2023-10-17"),
        # news set
        ("Vladimir Putin se reelegeu neste domingo (18)", "2018-03-18", "2018-03-18"),
        ("aprovou por unanimidade neste sábado (5) uma resolução", "2017-08-05", "2017-08-05"),
        ("morreu aos 95 anos no final da noite deste sábado, 3", "2018-03-04", "2018-03-03"),
        ("entra em vigor nesta sexta-feira (23)", "2018-03-22", "2018-03-23"),
        ("divulgada nesta sexta-feira (23) pelo Instituto Brasileiro", "2018-02-23", "2018-02-23"),
        ("foi preso na manhã desta quarta (13)", "2017-09-13", "2017-09-13"),
        ("A OMS, nesta quarta-feira, 1o, marcou o primeiro aniversário", "2017-02-01", "2017-02-01"),
        ("Na segunda-feira passada (8), a posse de Cristiane foi suspensa", "2018-01-16", "2018-01-08"),
        ("Na próxima quarta (2) – no dia seguinte ao retorno do recesso", "2017-07-25", "2017-08-02"),
        ("motivou uma paralisação da categoria na quarta, agravando ainda mais", "2017-02-09", "2017-02-08"),
        ("policial civil na noite de terça-feira, 7, motivou", "2017-02-09", "2017-02-07"),
    ],
)
def test_weekdays_from_the_seed_and_the_news_set(text: str, anchor: str, expected: str) -> None:
    assert when(text, anchor) == expected


def test_a_numbered_weekday_can_be_in_the_previous_month() -> None:
    assert when("neste sábado (29)", "2017-08-02") == "2017-07-29"
    # news set, dated 2018-02-01: 9 February is a Friday, 9 January a Tuesday
    assert when("Ele morreu na madrugada desta terça (9).", "2018-02-01") == "2018-01-09"


def test_a_numbered_weekday_that_disagrees_keeps_the_day() -> None:
    assert when("nesta quinta-feira (18)", "2023-10-18") == "2023-10-18"


def test_a_numbered_weekday_with_only_a_month_anchor_uses_that_month() -> None:
    assert when("nesta quarta-feira (18)", "2023-10") == "2023-10-18"


@pytest.mark.parametrize(
    "text, expected",
    [  # anchor Wednesday 2023-10-18
        ("nesta segunda o ministro", "2023-10-16"),
        ("nesta quarta, o ministro", "2023-10-18"),
        ("nesta sexta, o ministro", "2023-10-20"),  # this week's Friday: the nearest
        ("o ministro falou no sábado", "2023-10-14"),
        ("o ministro falou na quarta-feira", "2023-10-18"),
        ("na próxima sexta", "2023-10-20"),
        ("na próxima quarta-feira", "2023-10-25"),
        ("no domingo que vem", "2023-10-22"),
        ("na última quarta-feira", "2023-10-11"),
        ("a votação vai ser na sexta-feira", "2023-10-20"),  # future cue: the nearest
        ("He spoke on Friday", "2023-10-13"),
        ("last Monday", "2023-10-16"),
        ("next Sunday", "2023-10-22"),
    ],
)
def test_weekdays_without_a_number(text: str, expected: str) -> None:
    assert when(text, "2023-10-18") == expected


@pytest.mark.parametrize(
    "text, anchor, expected",
    [
        # A weekday with its day number, just after the anchor: the coming day, not the week before.
        ("lançou na manhã da terça-feira, 29 (no horário local) um míssil", "2017-08-28", "2017-08-29"),
        ("O julgamento será na terça (29).", "2018-05-28", "2018-05-29"),
        ("nesta quinta-feira (30)", "2017-11-28", "2017-11-30"),
        ("a conferência acontece a partir de segunda-feira, 30 em Paris", "2015-11-28", "2015-11-30"),
        ("Lula – que será interrogado na quarta-feira, 20 -, o empreiteiro", "2017-09-13", "2017-09-20"),
        ("na sexta-feira, 1º, o governo", "2017-08-30", "2017-09-01"),  # the coming month's
        # Without a comma, or with more in the parentheses, brackets or a capital after the number.
        ("no domingo 17 os representantes do povo", "2016-04-29", "2016-04-17"),
        ("Na quarta-feira 17, o colega publicou", "2017-06-05", "2017-05-17"),
        ("publicada nesta segunda 22, com chamada", "2018-01-22", "2018-01-22"),
        ("em Porto Alegre, na quarta 24.", "2018-01-22", "2018-01-24"),
        ("mísseis de curto alcance na manhã de sábado (26, horário local).", "2017-08-25", "2017-08-26"),
        ("Terça-feira, 20 Câmara vota projeto", "2018-03-18", "2018-03-20"),
        ("vou fazer um vídeo [terça, 27], disse", "2017-06-26", "2017-06-27"),
    ],
)
def test_a_weekday_with_its_day_number_resolves_to_that_day(text: str, anchor: str, expected: str) -> None:
    assert when(text, anchor) == expected


@pytest.mark.parametrize(
    "text, anchor, expected",
    [  # the number after the weekday counts something: the weekday alone is read
        ("Até o final da tarde desta terça-feira, 20 ônibus com manifestantes", "2017-05-10", "2017-05-09"),
        ("Nesta quarta, 6 dos 11 ministros votaram", "2017-12-14", "2017-12-13"),
        ("até as 19h30 desta segunda-feira, 29 haviam sido recapturados", "2018-01-02", "2018-01-01"),
        ("A meta era vacinar no sábado 15 mil.", "2018-01-13", "2018-01-13"),
        ("divulgada nesta quinta, 6% dos entrevistados", "2017-09-28", "2017-09-28"),
    ],
)
def test_a_count_after_a_weekday_is_not_its_day(text: str, anchor: str, expected: str) -> None:
    mentions = sentence_dates(text, anchor)
    assert [m.value for m in mentions] == [expected]
    assert not any(ch.isdigit() for ch in mentions[0].text)


def test_two_weekdays_with_numbers_in_one_parenthesis_stay_two_mentions() -> None:
    text = "na noite de terça-feira (30, madrugada de quarta, 31, no Brasil)"
    assert values(text, "2018-01-31") == ["2018-01-30", "2018-01-31"]


def test_a_short_weekday_before_a_count_is_still_read() -> None:
    assert values("Na segunda, RG final 0 ou 1, na terça, 2 e 3 e assim vai.", "2017-08-17") == [
        "2017-08-14",
        "2017-08-15",
    ]


def test_anchor_is_pinned_by_a_numbered_weekday_before_a_parenthesis() -> None:
    assert article_anchor("2017-08", ["Pyongyang lançou nesta terça-feira, 29 (no horário local) um míssil."]) == (
        "2017-08-29"
    )


def test_a_weekday_followed_by_a_full_date_is_one_mention() -> None:
    mentions = sentence_dates("na quarta-feira 19 de julho de 2017, às 7h30m", "2017-07-19")
    assert [(m.text, m.value) for m in mentions] == [("na quarta-feira 19 de julho de 2017", "2017-07-19")]
    assert values("nesta quinta (19/10)", "2023-10-18") == ["2023-10-19"]


@pytest.mark.parametrize(
    "text",
    [
        "que será julgado na segunda instância neste mês",
        "carro de segunda mão",
        "a TV Globinho de segunda a sexta, ao inaugurar",
        "o tenor Plácido Domingo cantou",
        "na Quinta da Boa Vista",
        "Sunday Times",
    ],
)
def test_ordinals_names_and_ranges_are_not_weekdays(text: str) -> None:
    assert [m for m in sentence_dates(text, "2023-10-18") if m.rule == "weekday"] == []


# --- relative days and day numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("O governo de Portugal iniciou ontem as negociações finais", "2017-06-09"),
        ("anteontem", "2017-06-08"),
        ("Hoje, o ministro", "2017-06-10"),
        ("amanhã haverá", "2017-06-11"),
        ("depois de amanhã", "2017-06-12"),
        ("yesterday", "2017-06-09"),
        ("today", "2017-06-10"),
        ("tomorrow", "2017-06-11"),
    ],
)
def test_relative_days(text: str, expected: str) -> None:
    assert when(text, "2017-06-10") == expected


def test_hoje_em_dia_is_not_a_date() -> None:
    assert values("hoje em dia ninguém lê jornal", "2017-06-10") == []


@pytest.mark.parametrize(
    "text, expected",
    [  # anchor 2023-10-18
        ("foi pago no dia 12", "2023-10-12"),
        ("foi pago no dia 25", "2023-09-25"),  # a report: the 25th before the anchor
        ("será votado no dia 25", "2023-10-25"),  # future cue: the 25th after it
        ("será votado no dia 5", "2023-11-05"),
        ("no último dia 25", "2023-09-25"),
        ("no próximo dia 12", "2023-11-12"),
        ("no dia 5 do mês passado", "2023-09-05"),
    ],
)
def test_day_numbers(text: str, expected: str) -> None:
    assert when(text, "2023-10-18") == expected


def test_a_day_number_needs_a_month_in_the_anchor() -> None:
    assert values("no dia 12", "2023") == []
    assert values("no dia 12", "2023-10") == ["2023-10-12"]


# --- explicit dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, anchor, expected",
    [
        ("a própria equipe reconhecendo no dia 11 de maio que despediu Comey", "2017-06-08", "2017-05-11"),
        ("Os R$ 90 mil foram pagos no dia 2 de março, segundo", "2018-03", "2018-03-02"),
        ("contra a sentença de Moro, em 24 de janeiro, quando o TRF-4", "2018-03-26", "2018-01-24"),
        ("em 18 de outubro de 2023", None, "2023-10-18"),
        ("18/10/2023", None, "2023-10-18"),
        ("18.10.2023", None, "2023-10-18"),
        ("2023-10-18", None, "2023-10-18"),
        ("para o dia 22/03/18, o julgamento", "2018-03-01", "2018-03-22"),
        ("October 18, 2023", None, "2023-10-18"),
        ("on Oct. 18, 2023", None, "2023-10-18"),
        ("18 October 2023", None, "2023-10-18"),
        ("a partir de 1º de janeiro", "2017-12-20", "2018-01-01"),
        # the ordinal day one, however it is written: the day, not only the month
        ("Em 1.o de janeiro de 2018, o salário mudou.", "2017-12-20", "2018-01-01"),
        ("desde 1.º de janeiro de 2018", "2018-02-01", "2018-01-01"),
        ("em 1o de janeiro de 2018", "2018-02-01", "2018-01-01"),
        ("no dia 1.o de setembro", "2017-10-02", "2017-09-01"),
        ("na terça-feira 1.o de agosto de 2017, às 7h30m", "2017-08-01", "2017-08-01"),
        ("nesta quarta-feira, 1.o, marcou", "2017-02-01", "2017-02-01"),
        ("no dia 1o de fevereiro de 2017", "2016-12-04", "2017-02-01"),
        ("em 3 de julho do ano passado", "2023-10-18", "2022-07-03"),
        ("entre os dias 5 e 8 de março", "2018-03-20", "2018-03-05"),
        ("fez presente hoje (14/06) em audiência", "2017-06-14", "2017-06-14"),
    ],
)
def test_explicit_dates(text: str, anchor: str | None, expected: str) -> None:
    assert when(text, anchor) == expected


def test_a_day_and_month_without_year_or_anchor_stays_unresolved() -> None:
    assert values("foram pagos no dia 2 de março", None) == []


def test_a_day_and_month_without_year_takes_the_closest_year() -> None:
    assert when("em 20 de dezembro", "2018-01-10") == "2017-12-20"
    assert when("em 11 de maio", "2017-12-01") == "2017-05-11"  # the past wins over 5 months ahead


def test_a_day_and_month_reported_in_the_past_is_not_after_the_article() -> None:
    anchor = "2016-12-17"  # a year-end retrospective
    assert when("Na manhã de 6 de janeiro, a terra tremeu no noroeste do país.", anchor) == "2016-01-06"
    assert when("o país lançou ao espaço em 8 de fevereiro um foguete", anchor) == "2016-02-08"
    assert when("On January 6, the earth shook and buildings were damaged.", anchor, lang="en") == "2016-01-06"
    assert when("A votação será em 6 de janeiro.", anchor) == "2017-01-06"  # the future: closest
    assert when("O prazo termina em 6 de janeiro.", anchor) == "2017-01-06"  # no past tense: closest
    assert when("A delegação chegou a Moscou e ficará até 6 de janeiro.", anchor) == "2017-01-06"


def test_a_relative_day_with_its_weekday_in_parentheses_is_that_weekday() -> None:
    anchor = "2017-02-26"  # a Sunday: the article was written on the Thursday
    assert values("Ontem (quarta-feira), Trump disse que os chineses manipulam o câmbio.", anchor) == ["2017-02-22"]
    assert values("Yesterday (Wednesday), Trump said.", anchor, lang="en") == ["2017-02-22"]
    assert values("Ontem (sábado), o ministro falou.", anchor) == ["2017-02-25"]  # they agree
    assert values("ontem o ministro falou", anchor) == ["2017-02-25"]


def test_listed_months_share_the_year_written_after_the_last() -> None:
    anchor = "2017-07-03"
    assert values("os dois últimos em janeiro e setembro de 2016", anchor) == ["2016-01", "2016-09"]
    assert values("entre 6 de janeiro e 2 de fevereiro de 2016", anchor) == ["2016-01-06", "2016-02-02"]
    assert values("em março, abril e maio de 2015", anchor) == ["2015-03", "2015-04", "2015-05"]
    assert values("between May and June 2015", anchor, lang="en") == ["2015-05", "2015-06"]
    assert values("em janeiro e fevereiro o governo gastou", anchor)[0] == "2017-01"  # no year written: guessed


def test_capitalised_portuguese_months_without_a_year_are_names() -> None:
    assert values("na Rua 25 de Março, em São Paulo", "2018-03-20") == []
    assert values("em 18 de Outubro de 2023", None) == ["2023-10-18"]


def test_invalid_numeric_dates_are_ignored() -> None:
    assert values("31/02/2018 e 45/10/2018 e 11.163.2018", None) == []
    assert values("uma Nota Técnica (003/18)", "2018-03-27") == []


def test_english_month_first_when_unambiguous() -> None:
    assert values("10/18/2023", None, lang="en") == ["2023-10-18"]
    assert values("05/06/2023", None, lang="pt") == ["2023-06-05"]


# --- months ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [  # anchor 2023-10-18
        ("com sua visita a Pyongyang em julho do ano passado", "2022-07"),
        ("em junho", "2023-06"),
        ("até maio", "2023-05"),
        ("em maio deste ano", "2023-05"),
        ("em dezembro de 2016", "2016-12"),
        ("em novembro, o governo anunciou", "2022-11"),  # later than October, in a report
        ("em novembro, o governo vai anunciar", "2023-11"),  # ... about the future
        ("em julho passado", "2023-07"),
        ("em março do ano que vem", "2024-03"),
        ("no próximo mês", "2023-11"),
        ("no mês passado", "2023-09"),
        ("in May", "2023-05"),
        ("by May 2024", "2024-05"),
        ("last July", "2023-07"),
        ("no fim de novembro de 2017", "2017-11"),
    ],
)
def test_months(text: str, expected: str) -> None:
    assert when(text, "2023-10-18") == expected


def test_ambiguous_month_words_are_not_months() -> None:
    assert values("It may be that we march on", "2023-10-18", lang="en") == []
    assert values("as Mães da Praça de Maio", "2023-10-18") == []
    assert values("em julho do mesmo ano", "2023-10-18") == []


# --- years -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, anchor, expected",
    [
        ("uma vacina apenas estará pronta em 2020", "2017-02-01", ["2020"]),
        ("desde a dissolução da União Soviética em 1991.", None, ["1991"]),
        ("desde 1999", None, ["1999"]),
        ("As estatísticas indicam que, entre 2006 e 2018, houve", None, ["2006", "2018"]),
        ("Os Embalos de Sábado À Noite (1977)", None, ["1977"]),
        ("since 2015", None, ["2015"]),
        ("no ano passado", "2023-10-18", ["2022"]),
        ("no próximo ano", "2023-10-18", ["2024"]),
        ("neste ano", "2023", ["2023"]),
        ("last year", "2023-10-18", ["2022"]),
    ],
)
def test_years(text: str, anchor: str | None, expected: list[str]) -> None:
    assert values(text, anchor) == expected


@pytest.mark.parametrize(
    "text",
    [
        "forneceu mais de 1.000 contêineres de equipamento militar",
        "foram 11.163 casos",
        "custou R$ 1999 e US$ 2010",
        "2.000 pessoas e mais de 2000 pessoas",
        "o voo 1999 decolou",
        "agora é a hora de agir",
        "Moscou e Pyongyang trabalham ativamente em uma aproximação.",
    ],
)
def test_numbers_and_ordinary_words_are_not_dates(text: str) -> None:
    assert values(text, "2023-10-18") == []


# --- no anchor ---------------------------------------------------------------------------------


def test_without_an_anchor_only_absolute_expressions_resolve() -> None:
    # seed 2 has no date at all
    text = (
        "Shoigu sinalizou o início de laços mais estreitos com sua visita a Pyongyang em julho do ano "
        "passado, ontem, nesta quarta-feira (18), no dia 12, no ano passado e desde a dissolução da União "
        "Soviética em 1991."
    )
    assert values(text, None) == ["1991"]


# --- mentions and main_date --------------------------------------------------------------------


def test_mentions_carry_offsets_text_and_kind() -> None:
    text = "Lavrov chegou nesta quarta-feira (18), como em julho do ano passado e em 1991."
    mentions = sentence_dates(text, "2023-10-18")
    assert [(m.text, m.value, m.kind) for m in mentions] == [
        ("nesta quarta-feira (18)", "2023-10-18", "day"),
        ("em julho do ano passado", "2022-07", "month"),
        ("em 1991", "1991", "year"),
    ]
    assert all(text[m.start : m.end] == m.text for m in mentions)


def test_main_date_prefers_day_then_month_then_year() -> None:
    def mention(value: str, kind: str) -> DateMention:
        return DateMention(0, 1, "x", value, kind)

    assert main_date([mention("1991", "year"), mention("2022-07", "month"), mention("2023-10-18", "day")]) == (
        "2023-10-18"
    )
    assert main_date([mention("1991", "year"), mention("2022-07", "month")]) == "2022-07"
    assert main_date([mention("1991", "year"), mention("2020", "year")]) == "1991"
    assert main_date([]) is None


# --- weekday_label -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, lang, expected",
    [
        ("2023-10-18", "en", "Wednesday 18 October 2023"),
        ("2023-10-18", "pt", "quarta-feira, 18 de outubro de 2023"),
        ("2023-10", "en", "October 2023"),
        ("2023-10", "pt", "outubro de 2023"),
        ("1991", "en", "1991"),
        ("1991", "pt", "1991"),
        ("not a date", "en", "not a date"),
    ],
)
def test_weekday_label(value: str, lang: str, expected: str) -> None:
    assert weekday_label(value, lang) == expected


# --- robustness and speed ----------------------------------------------------------------------


_PIECES = [*"0123456789 ,./-()ºoa", "de ", "dia ", "nesta ", "quarta-feira", "março", "em ", "ontem", "May "]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=30).map("".join),
    st.sampled_from([None, "2023", "2023-10", "2023-10-18", "2020-02-29"]),
)
def test_any_text_gives_well_formed_mentions(text: str, anchor: str | None) -> None:
    previous_end = 0
    for m in sentence_dates(text, anchor):
        assert text[m.start : m.end] == m.text
        assert m.start >= previous_end  # sorted, no overlaps
        previous_end = m.end
        assert m.kind in ("day", "month", "year")
        if m.kind == "day":
            dt.date.fromisoformat(m.value)
        elif m.kind == "month":
            assert len(m.value) == 7 and 1 <= int(m.value[5:]) <= 12
        else:
            assert len(m.value) == 4


def test_sentences_without_time_words_are_cheap() -> None:
    sentence = (
        "O porta-voz do Conselho de Segurança Nacional da Casa Branca, John Kirby, disse que a Coreia "
        "do Norte forneceu mais contêineres de equipamento militar à Rússia nas últimas semanas."
    )
    assert sentence_dates(sentence, "2023-10-18") == []
    started = time.perf_counter()
    for _ in range(5000):
        sentence_dates(sentence, "2023-10-18")
    # ~2 µs each on a laptop; the bound only catches an accidental slow path (e.g. a regex scan)
    assert (time.perf_counter() - started) / 5000 < 50e-6
