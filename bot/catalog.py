"""The catalog: what the index holds, article by article.

For each article file: its metadata (:class:`ArticleInfo`), the file signature it was indexed
from (size, mtime), its sentence count and the names it mentions most (for autocomplete).
Files that could not be loaded are kept too, with their reason, so an unchanged bad file is
not re-read on every refresh. Stored as JSON beside the index; written atomically. A catalog
that cannot be read back exactly (garbage, truncated, the wrong shape) is treated as missing:
the index is then rebuilt from the corpus.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from bot.records import ArticleInfo, Skipped

log = logging.getLogger(__name__)

CATALOG_VERSION = 2
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
