"""LISTEN/NOTIFY for the PostgreSQL index: a thread that counts the commits other processes announce."""

from __future__ import annotations

import logging
import threading

import psycopg

log = logging.getLogger(__name__)

#: The LISTEN/NOTIFY channel; the payload is ``corpus_id:generation``.
CHANNEL = "briefing_index"
APP = "briefing-bot"


class Listener:
    """LISTENs for commits in a thread of its own; counts the newest generation of one corpus.

    It holds no reference to its index, so an index nobody uses any more is collected and its
    listener stops (``weakref.finalize``).
    """

    def __init__(self, dsn: str, corpus_id: int) -> None:
        self.dsn = dsn
        self.corpus_id = corpus_id
        self.notified = 0
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="index-listener", daemon=True)
        self._thread.start()

    def saw(self, generation: int) -> None:
        with self._lock:
            self.notified = max(self.notified, generation)

    def close(self) -> None:
        self._closed.set()

    def _run(self) -> None:
        """LISTEN (reconnecting when the connection drops); each notification of this corpus raises ``notified``."""
        backoff = 0.5
        while not self._closed.is_set():
            try:
                with psycopg.connect(self.dsn, autocommit=True, application_name=f"{APP} listener") as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    row = conn.execute("SELECT generation FROM corpora WHERE id = %s", (self.corpus_id,)).fetchone()
                    self.saw(row[0] if row else 0)  # whatever was committed while we were not listening
                    backoff = 0.5
                    while not self._closed.is_set():
                        for note in conn.notifies(timeout=1.0):
                            corpus, _, generation = note.payload.partition(":")
                            if corpus == str(self.corpus_id) and generation.isdigit():
                                self.saw(int(generation))
            except psycopg.Error as exc:
                if self._closed.wait(backoff):
                    return
                log.warning("lost the database notification connection (%s); reconnecting", exc)
                backoff = min(backoff * 2, 10.0)
