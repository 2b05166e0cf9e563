"""Corpus files no one should write: names that are not UTF-8, symlinks out of the corpus, YAML
bombs, UTF-16 without a byte order mark, impossible times. One bad file costs only that file.
"""

from __future__ import annotations

import logging
import os
import resource
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering import Answerer
from bot.articles import load_article, load_folder, parse_date
from bot.catalog import Catalog
from bot.cli import main
from bot.config import ConfigError, load_settings
from bot.index import TantivyIndex
from bot.ingest import update_index
from tests.conftest import REPO

BODY = (
    "O jogador Zequinha Albuquerque marcou três gols na final do campeonato estadual. "
    "A torcida comemorou a vitória até a madrugada de domingo."
)
BAD_NAME = os.fsdecode(b"bad\xff.txt")  # what os.listdir gives for the bytes b"bad\xff.txt"


def config_for(tmp_path: Path, corpus: Path, extra: str = "") -> Path:
    folder = tmp_path / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bot.yaml").write_text(f"corpus: {corpus}\nindex_dir: {tmp_path / 'index'}\n{extra}", encoding="utf-8")
    return folder


# --- file names that are not UTF-8 -----------------------------------------------------------------


def test_a_file_name_that_is_not_utf8_costs_only_that_file(corpus: Path, tmp_path: Path) -> None:
    (corpus / BAD_NAME).write_text("x.\n", encoding="utf-8")
    (corpus / os.fsdecode(b"pasta\xe9")).mkdir()
    (corpus / os.fsdecode(b"pasta\xe9") / "dentro.txt").write_text(BODY, encoding="utf-8")
    answerer = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    assert answerer.article_count == 2
    report = answerer.last_report
    assert report is not None
    reasons = {s.path: s.reason for s in report.skipped}
    assert "not valid UTF-8" in reasons["bad\\xff.txt"] and "not valid UTF-8" in reasons["pasta\\xe9"]
    answerer.refresh()  # the bad names stay skipped; a second look does not fail either

    (corpus / "novo.txt").write_text(BODY, encoding="utf-8")  # a running bot still takes updates
    assert answerer.refresh().added == ("novo.txt",)
    report = answerer.refresh(paths=[corpus / BAD_NAME])  # a watcher naming it
    assert "bad\\xff.txt" in {s.path for s in report.skipped}
    assert "Zequinha" in answerer.ask("Quantos gols marcou Zequinha Albuquerque?").answers[0].text


def test_cli_index_and_ask_survive_a_file_name_that_is_not_utf8(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (corpus / BAD_NAME).write_text("x.\n", encoding="utf-8")
    config = config_for(tmp_path, corpus)
    assert main(["--config", str(config), "index"]) == 0
    out = capsys.readouterr().out
    assert "articles: 2" in out and "bad\\xff.txt: name is not valid UTF-8" in out
    out.encode("utf-8")
    assert main(["--config", str(config), "ask", "--json", "When did Lavrov visit Pyongyang?"]) == 0


# --- symlinks out of the corpus --------------------------------------------------------------------


@pytest.fixture
def escaping_corpus(corpus: Path, tmp_path: Path) -> Path:
    """The seeds, plus a symlink to a file and one to a folder outside the corpus."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("A senha do servidor Quixadaburgo é hunter2. " + BODY, encoding="utf-8")
    (outside / "folder").mkdir()
    (outside / "folder" / "other.txt").write_text("O cofre Vexilomorfo fica no porão. " + BODY, encoding="utf-8")
    (corpus / "passwd.txt").symlink_to(outside / "secret.txt")
    (corpus / "linked").symlink_to(outside / "folder")
    (corpus / "inside.txt").symlink_to(corpus / "000_a7028091738e38a3.txt")  # inside: fine
    return corpus


def test_symlinks_out_of_the_corpus_are_not_read(escaping_corpus: Path, tmp_path: Path) -> None:
    answerer = Answerer.from_folder(escaping_corpus, index_dir=tmp_path / "index")
    assert all("Quixadaburgo" not in a.text for a in answerer.search("Quixadaburgo senha servidor"))
    assert all("Vexilomorfo" not in a.text for a in answerer.search("Vexilomorfo cofre porão"))
    assert answerer.article("inside.txt") is not None
    reasons = {s.path: s.reason for s in answerer.last_report.skipped}
    assert "outside the corpus folder" in reasons["passwd.txt"]
    assert "outside the corpus folder" in reasons["linked"]


def test_a_file_named_directly_is_not_read_outside_the_corpus(escaping_corpus: Path, tmp_path: Path) -> None:
    article, skipped = load_article(escaping_corpus / "passwd.txt", escaping_corpus)  # a watcher's path
    assert article is None and skipped is not None and "outside the corpus folder" in skipped.reason
    index = TantivyIndex(tmp_path / "ix")
    report = update_index(index, Catalog(), escaping_corpus, paths=[escaping_corpus / "passwd.txt"])
    assert not report.added and index.size == 0


def test_follow_external_symlinks_reads_them_when_configured(escaping_corpus: Path, tmp_path: Path) -> None:
    config = config_for(tmp_path, escaping_corpus, "follow_external_symlinks: true\n")
    settings = load_settings(config)
    assert settings.follow_external_symlinks
    answerer = Answerer.from_settings(settings)
    assert any("Quixadaburgo" in a.text for a in answerer.search("Quixadaburgo senha servidor"))
    assert answerer.article("linked/other.txt") is not None
    assert not load_settings(config_for(tmp_path / "b", escaping_corpus)).follow_external_symlinks  # the default
    (config / "bot.yaml").write_text("follow_external_symlinks: maybe\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="follow_external_symlinks must be true or false"):
        load_settings(config)


# --- YAML bombs and other front matter -------------------------------------------------------------

ALIAS_BOMB = (
    "---\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))
    + "title: *i\n---\n\n"
    + BODY
)


def test_a_yaml_alias_bomb_is_skipped_with_its_reason(tmp_path: Path) -> None:
    assert len(ALIAS_BOMB.encode()) < 600  # 9**9 values once expanded
    path = tmp_path / "bomb.md"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    article, skipped = load_article(path, tmp_path)
    assert time.perf_counter() - started < 5  # today's code: 27 s
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB; today's code: 1.4 GB
    assert skipped is not None and "front matter not read" in skipped.reason and "aliases" in skipped.reason
    assert article is not None and "Zequinha" in article.blocks[0].text and article.meta == {}


def test_deeply_nested_front_matter_is_skipped_with_its_reason(tmp_path: Path) -> None:
    nested = "".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "end: 1\n"
    path = tmp_path / "deep.md"
    path.write_text("---\n" + nested + "---\n\n" + BODY, encoding="utf-8")
    article, skipped = load_article(path, tmp_path)
    assert article is not None and skipped is not None and "nested deeper than" in skipped.reason


def test_a_corpus_with_a_yaml_bomb_still_loads(corpus: Path, tmp_path: Path) -> None:
    (corpus / "bomb.md").write_text(ALIAS_BOMB, encoding="utf-8")
    answerer = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    assert answerer.article_count == 3
    assert "front matter not read" in {s.path: s.reason for s in answerer.last_report.skipped}["bomb.md"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    text = "---\ntitle: Final em Pelotas\n---\n\n" + BODY + "\n\nA prefeitura decretou ponto facultativo.\n"
    path = tmp_path / "sem-bom.txt"
    path.write_bytes(text.encode(encoding))
    article, skipped = load_article(path, tmp_path)
    assert skipped is None and article is not None
    assert article.encoding == encoding and article.title == "Final em Pelotas"
    assert "Zequinha Albuquerque marcou três gols" in article.blocks[0].text


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("2017-08-05 25:00", None),
        ("2017-08-05T24:30:00Z", None),
        ("2017-08-05T12:61", None),
        ("2017-08-05T12:30:00+25:00", None),
        ("05/08/2017 25h00", None),
        ("2017-08-05 23:59:60", "2017-08-05"),  # a leap second
        ("2017-08-05T14:03:00-03:00", "2017-08-05"),
        ("05/08/2017 14h03", "2017-08-05"),
    ],
)
def test_front_matter_times_must_be_times(value: str, parsed: str | None) -> None:
    assert parse_date(value) == parsed


def test_an_article_with_hour_25_keeps_no_date(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(f"---\ndate: 2017-08-05 25:00\n---\n\n{BODY}", encoding="utf-8")
    article, _ = load_article(path, tmp_path)
    assert article is not None and article.date is None and article.meta["date_raw"] == "2017-08-05 25:00"


# --- fuzz: arbitrary names and bytes ---------------------------------------------------------------

NAMES = st.binary(min_size=1, max_size=24).filter(lambda b: b"/" not in b and b"\x00" not in b and b[:1] not in b".#")
YAMLISH = st.lists(
    st.sampled_from(["title: ", "date: ", "&a ", "*a ", "[", "]", "{", "}", ": ", "- ", "\n", "  ", "'", '"',
                     "2017-13-45 25:99", "lol", ",", "!!python/object ", "|", ">"]),
    max_size=40,
).map("".join)
CONTENTS = (
    st.binary(max_size=1500)
    | st.text(max_size=600).map(lambda t: t.encode("utf-8", "surrogatepass"))
    | st.text(max_size=300).map(lambda t: t.encode("utf-16-le", "surrogatepass"))
    | st.tuples(YAMLISH, st.text(max_size=300)).map(
        lambda fb: ("---\n" + fb[0] + "\n---\n\n" + fb[1]).encode("utf-8", "surrogatepass")
    )
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(NAMES, st.sampled_from([b".txt", b".md", b".TXT"]), CONTENTS), min_size=1, max_size=4))
def test_any_names_and_bytes_give_an_article_or_a_skip_reason(files: list[tuple[bytes, bytes, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "corpus"
        root.mkdir()
        written: set[bytes] = set()
        for name, suffix, content in files:
            with open(os.path.join(os.fsencode(root), name + suffix), "wb") as handle:
                handle.write(content)
            written.add(name + suffix)
        articles, skipped = load_folder(root)
        accounted = {a.id for a in articles} | {s.path for s in skipped}
        for raw in written:
            shown = raw.decode("utf-8", "backslashreplace")
            assert shown in accounted, (raw, accounted)
        for item in skipped:
            item.path.encode("utf-8")  # printable and storable
            assert item.reason

        index = TantivyIndex(Path(temp) / "index")
        catalog = Catalog()
        report = update_index(index, catalog, root)  # the whole path to the index, never an exception
        assert report.articles == len(catalog.entries) <= len(articles)
        catalog.save(Path(temp) / "catalog.json")
        assert Catalog.load(Path(temp) / "catalog.json", "") is not None


def test_many_bad_files_among_good_ones(corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    for i in range(6):
        (corpus / os.fsdecode(b"ruim\xfe%d.txt" % i)).write_bytes(b"x")
    (corpus / "bomb.md").write_text(ALIAS_BOMB, encoding="utf-8")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 8)
    os.mkfifo(corpus / "fifo.txt")
    (corpus / "escape.txt").symlink_to("/etc/hostname" if Path("/etc/hostname").exists() else "/etc/passwd")
    with caplog.at_level(logging.WARNING):
        answerer = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    assert answerer.article_count == 3  # the seeds and the bomb's body
    assert len(answerer.last_report.skipped) == 10
    assert "Traceback" not in caplog.text


def test_the_shipped_config_keeps_reading_inside_the_corpus() -> None:
    assert load_settings().follow_external_symlinks is False
    assert (REPO / "config" / "bot.yaml").read_text(encoding="utf-8").count("follow_external_symlinks: false") == 1
