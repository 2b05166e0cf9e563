"""Shared fixtures: a private copy of the bundled corpus and answerers over it."""

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SEED_LAVROV = "000_a7028091738e38a3.txt"
SEED_SHOIGU = "003_7e1905dfbb2939a1.txt"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the bundled corpus."""
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


@pytest.fixture(scope="session")
def seed_answerer(tmp_path_factory: pytest.TempPathFactory):
    """One answerer over the bundled corpus, shared by read-only tests."""
    from bot.answering import Answerer

    base = tmp_path_factory.mktemp("seeds")
    folder = base / "corpus"
    shutil.copytree(CORPUS, folder)
    return Answerer.from_folder(folder, index_dir=base / "index")
