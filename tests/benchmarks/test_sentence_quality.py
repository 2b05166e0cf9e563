"""The sentence-quality measurement: one small corpus with each defect it counts."""

from pathlib import Path

from benchmarks.sentence_quality import MARKER_RE, main, measure

LONG_CLAUSE = "o relator leu o voto, que tratou das provas e dos depoimentos"
ARTICLE = (
    '---\ndate: "2017-09-04"\nlang: "pt"\n---\n\n'
    "A Coreia do Norte fez um novo teste. + Secretário-geral da ONU alerta para risco nuclear Depois de um "
    "ano de tensão, os dois países voltaram a conversar. Veja abaixo as datas. – Agosto de 1998: Teste de "
    "lançamento acima do Japão. – 12 de julho de 2000: Fracasso das negociações.\n\n"
    "Na sessão, " + ", ".join([LONG_CLAUSE] * 8) + ".\n"
)


def test_measure_counts_sentences_links_items_and_long_ones(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    figures = measure(tmp_path, rounds=1)
    assert figures["articles"] == 1
    assert figures["furniture_left_out"] == 1  # the "+ Secretário-geral ..." link
    assert figures["with_marker"] == 0
    assert figures["dated_items"] == 2 and figures["dated_items_resolved"] == 2
    assert figures["over_400"] == 0  # the long sentence is cut at its commas
    assert figures["sentences"] >= 7
    assert figures["sentences_per_s"] > 0


def test_the_marker_check_is_independent_of_the_splitter() -> None:
    assert MARKER_RE.search("O caso foi arquivado. + Lula diz que vai recorrer O juiz negou.")
    assert MARKER_RE.search("+ Lula diz que vai recorrer O juiz negou.")
    assert MARKER_RE.search("Fim. LEIA MAIS: Delação da Odebrecht")
    assert not MARKER_RE.search("A aliança PSDB + DEM venceu.")


def test_main_prints_the_figures_and_rejects_a_missing_folder(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert main(["--corpus", str(tmp_path), "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "sentences" in out and "over 400 chars" in out and "sentences/s" in out
    assert main(["--corpus", str(tmp_path / "missing")]) == 2
