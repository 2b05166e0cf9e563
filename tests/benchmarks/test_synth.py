"""The synthetic-corpus generator behind the scale benchmark: deterministic, distinct, dated."""

import shutil
from pathlib import Path

from benchmarks.synth import SynthParams, generate
from tests.conftest import CORPUS

ARTICLE = (
    '---\nauthor: "Redação"\nurl: "https://example.org/a"\ndate: "2017-08-05"\nlang: "pt"\n---\n\n'
    "O Conselho de Segurança aprovou por unanimidade neste sábado (5) uma resolução com novas sanções. "
    "A medida foi apresentada pelos Estados Unidos e recebeu 15 votos. "
    "O embaixador disse que o pacote é o maior já aprovado contra o regime.\n"
)


def source(tmp_path: Path) -> Path:
    folder = tmp_path / "source"
    shutil.copytree(CORPUS, folder)
    (folder / "news.txt").write_text(ARTICLE, encoding="utf-8")
    return folder


def texts(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.txt"))}


def test_generation_is_deterministic_and_copies_differ(tmp_path: Path) -> None:
    src = source(tmp_path)
    params = SynthParams(target_sentences=120, seed=7)
    manifest = generate(src, tmp_path / "one", params)
    generate(src, tmp_path / "two", params)
    one, two = texts(tmp_path / "one"), texts(tmp_path / "two")
    assert one == two  # same parameters, same corpus, byte for byte
    assert manifest.copies >= 2 and manifest.estimated_sentences >= 120
    assert one["news.txt"] == ARTICLE  # the originals are kept, so questions keep their answers
    copies = [text for name, text in one.items() if name.startswith("copy-") and name.endswith("news.txt")]
    assert copies and all(text != ARTICLE for text in copies)
    assert all('date: "2017-' in text for text in copies)  # dates move within their year


def test_other_seed_other_corpus_and_reuse(tmp_path: Path) -> None:
    src = source(tmp_path)
    generate(src, tmp_path / "out", SynthParams(target_sentences=80, seed=1))
    sentinel = tmp_path / "out" / "sentinel"
    sentinel.write_text("kept", encoding="utf-8")
    generate(src, tmp_path / "out", SynthParams(target_sentences=80, seed=1))
    assert sentinel.exists()  # same parameters: the folder is reused, not written again
    generate(src, tmp_path / "other", SynthParams(target_sentences=80, seed=2))
    assert texts(tmp_path / "out") != texts(tmp_path / "other")
