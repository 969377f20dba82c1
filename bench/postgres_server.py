"""A throwaway PostgreSQL server for the benchmarks (initdb and pg_ctl in a folder, as
``nobody`` when run as root, on a free localhost port), which can be stopped and started."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path


def free_port(host: str) -> int:
    """A port nobody listens on at ``host`` now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class Postgres:
    """A server in ``folder`` (made here), started at once; ``stop`` before leaving."""

    def __init__(self, folder: Path):
        folder.mkdir()
        binaries = Path(shutil.which("initdb") or "").parent
        if not (binaries / "pg_ctl").exists():
            found = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
            if not found:
                raise SystemExit("--postgres: initdb/pg_ctl not found")
            binaries = found[-1]
        who: dict = {}
        if os.geteuid() == 0:
            import pwd

            nobody = pwd.getpwnam("nobody")
            who = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
            os.chown(folder, nobody.pw_uid, nobody.pw_gid)
        self.port = free_port("127.0.0.1")
        self.folder, self.binaries, self.data = folder, binaries, folder / "data"
        self.run = {"check": True, "capture_output": True, "cwd": folder, **who}
        subprocess.run([binaries / "initdb", "-D", self.data, "-U", "postcards", "-A", "trust",
                        "-E", "UTF8", "--no-sync"], **self.run)  # fmt: skip
        self.start()
        self.server = f"postgresql+psycopg://postcards@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        subprocess.run([self.binaries / "pg_ctl", "-D", self.data, "-l", self.folder / "log",
                        "-w", "-o", options, "start"], **self.run)  # fmt: skip

    def stop(self, check: bool = True) -> None:
        subprocess.run([self.binaries / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"],
                       **{**self.run, "check": check})  # fmt: skip

    def new_database(self, name: str) -> str:
        import psycopg

        base = self.server.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.server.rsplit("/", 1)[0] + f"/{name}"
