"""The catalog: what the index holds, article by article.

For each article file: its metadata (:class:`ArticleInfo`), the file signature it was indexed
from (size, mtime), its sentence count and the names it mentions most (for autocomplete).
Files that could not be loaded are kept too, with their reason, so an unchanged bad file is
not re-read on every refresh. A catalog that cannot be read back exactly (garbage, truncated,
the wrong shape) is treated as missing: the index is then rebuilt from the corpus.

Where it is kept is a :class:`CatalogStore`: a JSON file beside the embedded index, written
atomically (:class:`JsonCatalogStore`), or rows in the database of the PostgreSQL index
(``bot.index._pgcatalog``), updated row by row in the index's own transaction.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import threading
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol

from bot.records import ArticleInfo, Skipped

log = logging.getLogger(__name__)

#: Bumped when splitting or dating rules change what is indexed (5: listed months share the year
#: written after the last; 6: a day and month reported in the past tense is not after the article;
#: 7: "ontem (quarta-feira)" is the Wednesday);
#: an index made with another version is read again from the corpus.
CATALOG_VERSION = 7
_INFO_FIELDS = tuple(f.name for f in fields(ArticleInfo))  # dataclasses.asdict is 10x slower here


@dataclass(slots=True)
class Entry:
    """One indexed article file."""

    info: ArticleInfo
    signature: tuple[int, int]
    sentences: int
    names: tuple[str, ...] = ()


@dataclass(slots=True)
class Catalog:
    """Indexed articles and skipped files, keyed by article id (path relative to the corpus)."""

    corpus: str = ""
    entries: dict[str, Entry] = field(default_factory=dict)
    skipped: dict[str, tuple[tuple[int, int], Skipped]] = field(default_factory=dict)

    @property
    def sentence_count(self) -> int:
        """Sentences over all indexed articles."""
        return sum(e.sentences for e in self.entries.values())

    def signature_of(self, article_id: str) -> tuple[int, int] | None:
        """The signature a file had when it was last read (indexed or skipped)."""
        if article_id in self.entries:
            return self.entries[article_id].signature
        if article_id in self.skipped:
            return self.skipped[article_id][0]
        return None

    def save(self, path: Path) -> None:
        """Write the catalog atomically (a crash never leaves half a file)."""
        data = {
            "version": CATALOG_VERSION,
            "corpus": self.corpus,
            "entries": {
                key: {"info": {f: getattr(e.info, f) for f in _INFO_FIELDS}, "signature": list(e.signature),
                      "sentences": e.sentences, "names": list(e.names)}
                for key, e in self.entries.items()
            },
            "skipped": {key: {"signature": list(sig), "reason": s.reason} for key, (sig, s) in self.skipped.items()},
        }
        tmp = path.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            if path.is_dir() and not path.is_symlink():  # a folder where the catalog belongs: ours to replace
                shutil.rmtree(path)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)  # never leave half a catalog taking space on a full disk
            raise

    @classmethod
    def load(cls, path: Path, corpus: str) -> Catalog | None:
        """The saved catalog for ``corpus``, or None when missing, unreadable, damaged or for another corpus."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("%s: unreadable (%s); the index will be rebuilt", path, exc)
            return None
        if not isinstance(data, dict) or data.get("version") != CATALOG_VERSION or data.get("corpus") != corpus:
            return None
        try:
            return cls(corpus=corpus, entries=_entries(data["entries"]), skipped=_skipped(data["skipped"]))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            log.warning("%s: damaged (%s: %s); the index will be rebuilt", path, type(exc).__name__, exc)
            return None


def _signature(value: Any) -> tuple[int, int]:
    size, mtime = value
    if not isinstance(size, int) or not isinstance(mtime, int):
        raise TypeError(f"a signature is two integers, not {value!r}")
    return size, mtime


def _entries(data: Any) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for key, e in data.items():
        info = ArticleInfo(**e["info"])
        texts = [getattr(info, f) for f in _INFO_FIELDS]
        if info.id != key or not isinstance(info.title, str) or not all(t is None or isinstance(t, str) for t in texts):
            raise ValueError(f"entry {key!r} does not describe its own article")
        sentences = e["sentences"]
        if not isinstance(sentences, int) or sentences < 0:
            raise TypeError(f"entry {key!r}: sentences must be a count, not {sentences!r}")
        names = tuple(str(n) for n in e.get("names", ()))
        entries[key] = Entry(info, _signature(e["signature"]), sentences, names)
    return entries


def _skipped(data: Any) -> dict[str, tuple[tuple[int, int], Skipped]]:
    return {key: (_signature(s["signature"]), Skipped(key, str(s["reason"]))) for key, s in data.items()}


class CatalogStore(Protocol):
    """Where a corpus's catalog is kept, and how a process learns that another one changed it."""

    #: The corpus the catalog belongs to (a folder's absolute path, or its name in a database).
    corpus: str
    #: True for a process that only follows another's commits and never writes.
    read_only: bool

    def load(self) -> Catalog | None:
        """The saved catalog, or None when there is none (or it cannot be trusted)."""

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Around a refresh: the index update and :meth:`save` become visible together, or not at all."""

    def save(self, catalog: Catalog, previous: Catalog, wait: bool) -> None:
        """Record ``catalog`` (``previous``: what was saved or loaded before it)."""

    def missing(self) -> bool:
        """True when nothing has been saved yet (the first refresh then saves even if nothing changed)."""

    def changed(self) -> bool:
        """Whether another process saved a newer catalog than the one this process holds (cheap)."""

    def follow(self, current: Catalog) -> Catalog | None:
        """The newest saved catalog (None when it cannot be read: keep ``current``)."""


class JsonCatalogStore:
    """The catalog as one JSON file beside the embedded index; another process's save is seen by its mtime."""

    read_only = False

    def __init__(self, path: Path, corpus: str) -> None:
        self.path = path
        self.corpus = corpus
        self._lock = threading.Lock()
        self._latest: Catalog | None = None
        self._saved: Catalog | None = None
        self._stamp = _stamp(path)

    def load(self) -> Catalog | None:
        """The saved catalog for this corpus, or None."""
        return Catalog.load(self.path, self.corpus)

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Nothing to group: the index commits first, and a lagging catalog heals itself (see :meth:`save`)."""
        return contextlib.nullcontext()

    def missing(self) -> bool:
        """True when the file does not exist."""
        return not self.path.exists()

    def save(self, catalog: Catalog, previous: Catalog, wait: bool) -> None:
        """Write the catalog; unless ``wait``, in the background (at scale it takes a second).

        The index is already committed, and a catalog that lags behind it heals itself: an article
        it lacks is re-read (replacing its sentences), one it keeps after deletion is removed. The
        thread is not a daemon, so the process waits for the last write before it exits.
        """
        del previous
        self._latest = catalog

        def write() -> None:
            with self._lock:
                newest = self._latest  # the newest by the time the lock is ours
                if newest is None or newest is self._saved:
                    return
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    newest.save(self.path)
                except OSError as exc:  # the index is committed: a lagging catalog heals at the next refresh
                    log.warning("could not save the index catalog %s (%s); it is written again at the next change",
                                self.path, exc.strerror or exc)
                    return
                self._saved = newest
                self._stamp = _stamp(self.path)

        saver = threading.Thread(target=write, name="catalog-save")
        saver.start()
        if wait:
            saver.join()

    def changed(self) -> bool:
        """One stat: the file's mtime differs from the one this process last wrote or read."""
        return _stamp(self.path) != self._stamp

    def follow(self, current: Catalog) -> Catalog | None:
        """The file as another process last wrote it."""
        del current
        stamp = _stamp(self.path)
        catalog = Catalog.load(self.path, self.corpus)
        self._stamp = stamp
        return catalog


def _stamp(path: Path) -> int | None:
    """A file's modification time (ns), None when it does not exist."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None
