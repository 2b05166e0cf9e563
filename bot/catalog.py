"""The catalog: what the index holds, article by article.

For each article file: its metadata (:class:`ArticleInfo`), the file signature it was indexed
from (size, mtime), its sentence count and the names it mentions most (for autocomplete).
Files that could not be loaded are kept too, with their reason, so an unchanged bad file is
not re-read on every refresh. Stored as JSON beside the index; written atomically.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from bot.records import ArticleInfo, Skipped

log = logging.getLogger(__name__)

CATALOG_VERSION = 3
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
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path, corpus: str) -> Catalog | None:
        """The saved catalog for ``corpus``, or None when missing, unreadable or for another corpus."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("%s: unreadable (%s); the index will be rebuilt", path, exc)
            return None
        if not isinstance(data, dict) or data.get("version") != CATALOG_VERSION or data.get("corpus") != corpus:
            return None
        entries = {
            key: Entry(ArticleInfo(**e["info"]), tuple(e["signature"]), e["sentences"], tuple(e.get("names", ())))
            for key, e in data["entries"].items()
        }
        skipped = {key: (tuple(s["signature"]), Skipped(key, s["reason"])) for key, s in data["skipped"].items()}
        return cls(corpus=corpus, entries=entries, skipped=skipped)  # type: ignore[arg-type]
