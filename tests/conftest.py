"""Shared fixtures: a private copy of the bundled corpus, answerers over it, and the index backends.

The answering tests run once per index backend (``backend``): the embedded tantivy index, and
PostgreSQL on a real server started for the session (:mod:`tests.pgserver`), a fresh database
per test. Where no server can be had at all the PostgreSQL cases skip with the reason; under CI
(``CI`` set) they fail instead.
"""

import contextlib
import itertools
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SEED_LAVROV = "000_a7028091738e38a3.txt"
SEED_SHOIGU = "003_7e1905dfbb2939a1.txt"
BACKENDS = ("embedded", "postgres")
_databases = itertools.count(1)


@dataclass(frozen=True)
class Backend:
    """One index backend as the tests use it: its name, config folder, index class and database."""

    name: str
    config_dir: Path
    index_class: type
    dsn: str | None = None


def write_config(folder: Path, **changes: object) -> Path:
    """A copy of the repository's config folder with ``bot.yaml`` keys changed."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in (REPO / "config").glob("*.yaml"):
        shutil.copy(source, folder / source.name)
    data = yaml.safe_load((folder / "bot.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    (folder / "bot.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the bundled corpus."""
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server for the whole session (PGPASSWORD set for this process and its children)."""
    from tests.pgserver import PgServer, unavailable_reason

    reason = unavailable_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests, but: {reason}")
        pytest.skip(f"no PostgreSQL server can be started here: {reason}")
    server = PgServer().start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PGPASSWORD", server.password)
        patch.delenv("DATABASE_URL", raising=False)
        yield server
    server.stop()


@pytest.fixture
def pg_dsn(pg_server) -> str:
    """The DSN of a fresh, empty database (no password in it)."""
    return pg_server.create_database(f"test_{os.getpid()}_{next(_databases)}")


def _backend(name: str, folder: Path, dsn: str | None) -> Backend:
    from bot.index import TantivyIndex

    if name == "embedded":
        return Backend(name, REPO / "config", TantivyIndex)
    from bot.index._postgres import PostgresIndex

    return Backend(name, write_config(folder, index_backend="postgres", postgres={"dsn": dsn}), PostgresIndex, dsn)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Backend:
    """Each index backend in turn; ``load_settings()`` (BRIEFING_CONFIG) selects it for the test."""
    dsn = request.getfixturevalue("pg_dsn") if request.param == "postgres" else None
    chosen = _backend(request.param, tmp_path / "config", dsn)
    monkeypatch.setenv("BRIEFING_CONFIG", str(chosen.config_dir))
    return chosen


@pytest.fixture(scope="session")
def _seed_answerers(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return {}


@pytest.fixture(scope="session")
def _pg_seed_answerers(pg_server) -> Iterator[dict]:
    """The PostgreSQL seed answerers, flushed while their server still runs (not at exit, after it)."""
    answerers: dict = {}
    yield answerers
    for answerer in answerers.values():
        with contextlib.suppress(Exception):
            answerer.corpus.semantic.store.flush()


@pytest.fixture
def seed_answerer(backend: Backend, _seed_answerers: dict, tmp_path_factory: pytest.TempPathFactory,
                  request: pytest.FixtureRequest):
    """One answerer per backend over the bundled corpus, shared by read-only tests."""
    from bot.answering import Answerer
    from bot.config import load_settings

    if backend.name == "postgres":
        _seed_answerers = request.getfixturevalue("_pg_seed_answerers")
    if backend.name not in _seed_answerers:
        base = tmp_path_factory.mktemp(f"seeds-{backend.name}")
        folder = base / "corpus"
        shutil.copytree(CORPUS, folder)
        settings = load_settings(backend.config_dir)  # the test's own database: kept for the session
        _seed_answerers[backend.name] = Answerer.from_folder(folder, index_dir=base / "index", settings=settings)
    return _seed_answerers[backend.name]
