"""The PostgreSQL index's schema: numbered SQL migrations shipped in the package, applied at start.

``bot/index/migrations/NNN_name.sql`` files run in order, each in its own transaction, and are
recorded in ``schema_migrations``; several processes starting at once take turns (an advisory
lock), so each migration runs exactly once.
"""

from __future__ import annotations

import logging
from importlib import resources

import psycopg

log = logging.getLogger(__name__)

#: The advisory lock key (first of two ints) taken while migrating.
LOCK_MIGRATE = 0x42524602


def migrations() -> list[tuple[int, str, str]]:
    """The schema migrations shipped with the package: (version, name, SQL), in order."""
    found = []
    for entry in resources.files("bot.index").joinpath("migrations").iterdir():
        if entry.name.endswith(".sql") and entry.name[:3].isdigit():
            found.append((int(entry.name[:3]), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(conn: psycopg.Connection) -> list[str]:
    """Apply the migrations this database lacks, each in its own transaction; their names.

    Several processes starting at once take turns (an advisory lock), so each migration runs once.
    """
    applied_now = []
    conn.execute("SELECT pg_advisory_lock(%s, 0)", (LOCK_MIGRATE,))
    try:
        with conn.transaction():
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            )
        done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        for version, name, sql in migrations():
            if version in done:
                continue
            with conn.transaction():
                conn.execute(sql)
                conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name))
            log.info("database schema: applied %s", name)
            applied_now.append(name)
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s, 0)", (LOCK_MIGRATE,))
    return applied_now
