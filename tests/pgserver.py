"""A throwaway PostgreSQL server for the tests and benchmarks: a real server, never a mock.

``initdb`` in a temporary folder, listening only on a unix socket in that folder, password
authentication (the password is handed over in ``PGPASSWORD``, as a deployment would). Root may
not run PostgreSQL, so as root the server runs as Debian's ``postgres`` user (``runuser``).
``.ci/run`` installs Debian's ``postgresql`` package when the binaries are missing.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

USER = "briefing"
PORT = 5432  # only names the socket file: the server listens on no TCP port


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` (PATH first, then Debian's versioned folders)."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


def unavailable_reason() -> str | None:
    """Why no server can be started here (None when one can)."""
    if find_bindir() is None:
        return "PostgreSQL is not installed (no initdb/pg_ctl; .ci/run installs Debian's postgresql package)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root and `runuser` is missing"
    return None


class PgServer:
    """One PostgreSQL cluster in a temporary folder; ``start`` it, ``stop`` it."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.base = Path(tempfile.mkdtemp(prefix="briefing-pg-"))
        self.data = self.base / "data"
        self.password = secrets.token_urlsafe(16)
        self._as: list[str] = []
        if os.geteuid() == 0:
            self._as = ["runuser", "-u", "postgres", "--"]
            owner = pwd.getpwnam("postgres")
            os.chown(self.base, owner.pw_uid, owner.pw_gid)
        self.base.chmod(0o755)

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, text=True, cwd=self.base)

    def start(self) -> PgServer:
        """initdb and start the server; returns once it accepts connections."""
        assert self.bindir is not None, unavailable_reason()
        pwfile = self.base / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self._as:
            owner = pwd.getpwnam("postgres")
            os.chown(pwfile, owner.pw_uid, owner.pw_gid)
        pwfile.chmod(0o600)
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", USER, f"--pwfile={pwfile}",
            "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )
        pwfile.unlink()
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.base}' -c port={PORT} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
            "-c shared_buffers=256MB"
        )
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.base / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        if self.bindir is not None and (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)

    def dsn(self, dbname: str = "postgres") -> str:
        """A connection string without the password (that comes from ``PGPASSWORD``)."""
        return f"host={self.base} port={PORT} user={USER} dbname={dbname}"

    def environ(self) -> dict[str, str]:
        """What a client process needs in its environment besides the DSN."""
        return {"PGPASSWORD": self.password}

    def create_database(self, name: str) -> str:
        """A new empty database; its DSN."""
        import psycopg

        with psycopg.connect(self.dsn(), password=self.password, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)
