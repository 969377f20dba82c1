"""Print runs and prisoner lists in the ledger: what was printed, from which list.

A print run is recorded *pending* with its cards, then settled *complete* once its files
are in place (see :mod:`postcards.printing.settling`); each wave's prisoner list is kept
so the next list can be compared with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from itertools import islice

from postcards.ledger.database import Database, Session
from postcards.ledger.keepable import unkeepable_parameter
from postcards.ledger.model import (
    GENERATED_BY,
    LedgerCard,
    LedgerSender,
    PrintRunRecord,
    PrisonerList,
    RunFile,
    utc_now,
)

#: Rows inserted at once: few enough that a long list never needs them all in memory.
_BATCH = 2000
#: ``json.dumps(…, ensure_ascii=False, sort_keys=True)``, with its encoder made once.
_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
_Q_LAST_LIST = (
    "SELECT id, wave, list_hash, recorded_at, list_date, source FROM prisoner_lists "
    "WHERE campaign = :campaign ORDER BY id DESC LIMIT 1"
)
_INSERT_LIST_ROWS = "INSERT INTO prisoner_list_rows (list_id, prisoner_id, fields) VALUES (?, ?, ?)"


class PrintRuns(Database):
    """What the ledger keeps of print runs and of the prisoner list each wave used."""

    #: Recording the cards themselves is :class:`~postcards.ledger.new_cards.NewCards`',
    #: their senders :class:`~postcards.ledger.offices.Offices`'.
    _insert_cards: Callable[..., tuple[int, int]]
    _record_senders: Callable[[Session, Iterable[LedgerSender]], None]

    def last_list_hash(self, campaign: str) -> tuple[str, str] | None:
        """The wave and hash of the prisoner list the newest wave recorded, or None.

        Enough to tell that a list is the one recorded last, without reading its rows (a
        list of 100,000 is some 100 MB once read).
        """
        rows = self._rows(_Q_LAST_LIST, {"campaign": campaign})
        return (rows[0][1], rows[0][2]) if rows else None

    def last_list(self, campaign: str) -> PrisonerList | None:
        """The prisoner list the newest wave recorded, or None before the first wave."""
        rows = self._rows(_Q_LAST_LIST, {"campaign": campaign})
        if not rows:
            return None
        list_id, wave, list_hash, recorded_at, list_date, source = rows[0]
        query = (
            "SELECT prisoner_id, fields FROM prisoner_list_rows WHERE list_id = :list_id "
            "ORDER BY prisoner_id"
        )
        fields = {pid: json.loads(text) for pid, text in self._rows(query, {"list_id": list_id})}
        return PrisonerList(wave, list_hash, recorded_at, list_date, source, fields)

    def begin_print_run(
        self,
        campaign: str,
        wave: str,
        cards: Iterable[LedgerCard],
        files: list[RunFile],
        office: str = "",
        senders: Iterable[LedgerSender] = (),
    ) -> tuple[int, int]:
        """Record a print run's cards with the run "pending", in one transaction.

        The run also records the files it is about to rename into place and the office's
        senders (a sender the ledger knows as someone else stops it: nothing is written);
        each new card's pair is recorded as the office's choice.  Every card must be of
        ``office``.  Returns (run id, new cards).

        The cards are committed before their files appear, so a PDF in place never has
        codes the ledger does not know; :meth:`settle_print_run` closes the run.
        """
        at = utc_now()
        with self._write(serialise=True) as session:
            self._record_senders(session, senders)
            count, new = self._insert_cards(session, cards, GENERATED_BY, at, office)
            run_id = session.scalar(
                "INSERT INTO print_runs (campaign, office, wave, status, files, cards, "
                "new_cards, started_at) VALUES (:campaign, :office, :wave, 'pending', :files, "
                ":cards, :new_cards, :started_at) RETURNING id",
                {"campaign": campaign, "office": office, "wave": wave,
                 "files": json.dumps([asdict(f) for f in files]), "cards": count,
                 "new_cards": new, "started_at": at},
            )  # fmt: skip
        return run_id, new

    def settle_print_run(self, run_id: int, status: str) -> None:
        """Close a run as "complete" or "interrupted".

        "complete": its files are in place; also from "interrupted", which a `check` elsewhere may
        have said while the run was renaming. "interrupted": only from "pending".
        """
        before = ("pending", "interrupted") if status == "complete" else ("pending",)
        with self._write(serialise=True) as session:
            session.run(
                "UPDATE print_runs SET status = :status, settled_at = :at "
                "WHERE id = :id AND status IN (:before, :also)",
                {"status": status, "at": utc_now(), "id": run_id, "before": before[0],
                 "also": before[-1]},
            )  # fmt: skip

    def mark_reprinted(self, campaign: str, wave: str, office: str = "") -> None:
        """Interrupted runs of an office's wave whose cards a complete run has since printed."""
        with self._write(serialise=True) as session:
            session.run(
                "UPDATE print_runs SET status = 'reprinted' WHERE campaign = :campaign "
                "AND wave = :wave AND office = :office AND status = 'interrupted'",
                {"campaign": campaign, "wave": wave, "office": office},
            )

    def print_runs(self, campaign: str, status: str) -> list[PrintRunRecord]:
        """The print runs of a campaign in a status, oldest first."""
        rows = self._rows(
            "SELECT id, wave, status, files, cards, new_cards, started_at, office "
            "FROM print_runs WHERE campaign = :campaign AND status = :status ORDER BY id",
            {"campaign": campaign, "status": status},
        )
        return [PrintRunRecord(i, wave, st, tuple(RunFile(**f) for f in json.loads(files)),
                               cards, new, started, office)
                for i, wave, st, files, cards, new, started, office in rows]  # fmt: skip

    def record_list(self, campaign: str, prisoners: PrisonerList) -> bool:
        """Keep the prisoner list a wave used; True when it was stored.

        The same list as the last one is not stored twice.
        """
        if self.last_list_hash(campaign) == (prisoners.wave, prisoners.list_hash):
            return False
        with self._write(serialise=True) as session:
            list_id = session.scalar(
                "INSERT INTO prisoner_lists (campaign, wave, list_hash, recorded_at, list_date, "
                "source) VALUES (:campaign, :wave, :list_hash, :recorded_at, :list_date, "
                ":source) RETURNING id",
                {"campaign": campaign, "wave": prisoners.wave, "list_hash": prisoners.list_hash,
                 "recorded_at": prisoners.recorded_at or utc_now(),
                 "list_date": prisoners.list_date, "source": prisoners.source},
            )  # fmt: skip
            texts = iter(_encoded(prisoners))
            while batch := list(islice(texts, _BATCH)):  # a list of 100,000: a batch at a time
                session.run_many(_INSERT_LIST_ROWS, [(list_id, pid, t) for pid, t in batch])
        return True

    def _insert_rows(
        self, session: Session, table: str, fields: tuple[str, ...],
        rows: list[tuple[str, ...]], skip_existing: bool = False,
    ) -> None:  # fmt: skip
        """Insert rows of texts into ``table`` in one go.

        SQLite runs one prepared statement over the rows (``executemany``); PostgreSQL takes
        them as an array a column, in one statement (one round trip, where ``executemany``
        sends a statement a row).  Rows keep their order (and ids); ``skip_existing`` leaves
        out a row that would clash with a unique key.  A text the ledger cannot keep raises
        LedgerError.
        """
        if not rows:
            return
        columns = ", ".join(fields)
        skip = " ON CONFLICT DO NOTHING" if skip_existing else ""
        if self._dialect == "sqlite":
            marks = ", ".join("?" * len(fields))
            session.run_many(f"INSERT INTO {table} ({columns}) VALUES ({marks}){skip}", rows)
            return
        if (why := unkeepable_parameter(rows, executemany=True)) is not None:
            raise self._error(why)  # (the session's own check does not look into arrays)
        arrays = ", ".join(["?::text[]"] * len(fields))
        session.run(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM unnest({arrays}) "
            f"WITH ORDINALITY AS batch ({columns}, n) ORDER BY n{skip}",
            [list(column) for column in zip(*rows, strict=True)],
        )


def _encoded(prisoners: PrisonerList) -> Iterable[tuple[str, str]]:
    """The list's rows as stored, in id order: as its hash kept them, else made now."""
    if prisoners.encoded is not None:
        return prisoners.encoded()
    return ((pid, _json(prisoners.rows[pid])) for pid in sorted(prisoners.rows))
