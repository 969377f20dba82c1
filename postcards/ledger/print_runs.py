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

import sqlalchemy as sa

from postcards.ledger.database import Database
from postcards.ledger.engines import unkeepable_parameter
from postcards.ledger.model import (
    GENERATED_BY,
    LedgerCard,
    LedgerSender,
    PrintRunRecord,
    PrisonerList,
    RunFile,
    utc_now,
)
from postcards.ledger.schema import (
    list_rows_table,
    lists_table,
    runs_table,
)

#: Rows inserted at once: few enough that a long list never needs them all in memory.
_BATCH = 2000
#: ``json.dumps(…, ensure_ascii=False, sort_keys=True)``, with its encoder made once.
_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
_INSERT_LIST_ROWS = "INSERT INTO prisoner_list_rows (list_id, prisoner_id, fields) VALUES (?, ?, ?)"


class PrintRuns(Database):
    """What the ledger keeps of print runs and of the prisoner list each wave used."""

    #: Recording the cards themselves is :class:`~postcards.ledger.new_cards.NewCards`',
    #: their senders :class:`~postcards.ledger.offices.Offices`'.
    _insert_cards: Callable[..., tuple[int, int]]
    _record_senders: Callable[[sa.Connection, Iterable[LedgerSender]], None]

    def last_list(self, campaign: str) -> PrisonerList | None:
        """The prisoner list the newest wave recorded, or None before the first wave."""
        t, r = lists_table.c, list_rows_table.c
        rows = self._rows(
            sa.select(t.id, t.wave, t.list_hash, t.recorded_at, t.list_date, t.source)
            .where(t.campaign == campaign)
            .order_by(t.id.desc())
            .limit(1)
        )
        if not rows:
            return None
        list_id, wave, list_hash, recorded_at, list_date, source = rows[0]
        query = sa.select(r.prisoner_id, r.fields).where(r.list_id == list_id)
        fields = {pid: json.loads(text) for pid, text in self._rows(query.order_by(r.prisoner_id))}
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
        with self._write(serialise=True) as connection:
            self._record_senders(connection, senders)
            count, new = self._insert_cards(connection, cards, GENERATED_BY, at, office)
            run_id = connection.execute(
                runs_table.insert()
                .values(campaign=campaign, office=office, wave=wave, status="pending",
                        files=json.dumps([asdict(f) for f in files]), cards=count,
                        new_cards=new, started_at=at)
                .returning(runs_table.c.id)
            ).scalar_one()  # fmt: skip
        return run_id, new

    def settle_print_run(self, run_id: int, status: str) -> None:
        """Close a run as "complete" or "interrupted".

        "complete": its files are in place; also from "interrupted", which a `check` elsewhere may
        have said while the run was renaming. "interrupted": only from "pending".
        """
        before = ("pending", "interrupted") if status == "complete" else ("pending",)
        with self._write(serialise=True) as connection:
            connection.execute(
                runs_table.update()
                .where(runs_table.c.id == run_id, runs_table.c.status.in_(before))
                .values(status=status, settled_at=utc_now())
            )

    def mark_reprinted(self, campaign: str, wave: str, office: str = "") -> None:
        """Interrupted runs of an office's wave whose cards a complete run has since printed."""
        with self._write(serialise=True) as connection:
            connection.execute(
                runs_table.update()
                .where(runs_table.c.campaign == campaign, runs_table.c.wave == wave,
                       runs_table.c.office == office, runs_table.c.status == "interrupted")
                .values(status="reprinted")
            )  # fmt: skip

    def print_runs(self, campaign: str, status: str) -> list[PrintRunRecord]:
        """The print runs of a campaign in a status, oldest first."""
        r = runs_table.c
        rows = self._rows(
            sa.select(r.id, r.wave, r.status, r.files, r.cards, r.new_cards, r.started_at,
                      r.office)
            .where(r.campaign == campaign, r.status == status).order_by(r.id)
        )  # fmt: skip
        return [PrintRunRecord(i, wave, st, tuple(RunFile(**f) for f in json.loads(files)),
                               cards, new, started, office)
                for i, wave, st, files, cards, new, started, office in rows]  # fmt: skip

    def record_list(self, campaign: str, prisoners: PrisonerList) -> bool:
        """Keep the prisoner list a wave used; True when it was stored.

        The same list as the last one is not stored twice.
        """
        last = self.last_list(campaign)
        if last is not None and (last.list_hash, last.wave) == (
            prisoners.list_hash,
            prisoners.wave,
        ):
            return False
        with self._write(serialise=True) as connection:
            list_id = connection.execute(
                lists_table.insert()
                .values(
                    campaign=campaign,
                    wave=prisoners.wave,
                    list_hash=prisoners.list_hash,
                    recorded_at=prisoners.recorded_at or utc_now(),
                    list_date=prisoners.list_date,
                    source=prisoners.source,
                )
                .returning(lists_table.c.id)
            ).scalar_one()
            texts = iter(_encoded(prisoners))
            while batch := list(islice(texts, _BATCH)):  # a list of 100,000: a batch at a time
                self._insert_list_rows(connection, [(list_id, pid, text) for pid, text in batch])
        return True

    def _insert_rows(
        self, connection: sa.Connection, table: str, fields: tuple[str, ...],
        rows: list[tuple[str, ...]], skip_existing: bool = False,
    ) -> None:  # fmt: skip
        """Insert many rows of texts in the open transaction, with the driver's bulk path.

        SQLite runs one prepared statement over the rows (``executemany``); PostgreSQL takes
        them as an array a column, in one statement (its ``executemany`` is a round trip a
        row).  Rows keep their order (and ids); ``skip_existing`` leaves out a row that
        would clash with a unique key.  A text the ledger cannot keep raises LedgerError.
        """
        if not rows:
            return
        columns = ", ".join(fields)
        skip = " ON CONFLICT DO NOTHING" if skip_existing else ""
        if self._dialect == "sqlite":  # the engine's check sees every row's texts
            marks = ", ".join("?" * len(fields))
            insert = f"INSERT INTO {table} ({columns}) VALUES ({marks}){skip}"
            connection.exec_driver_sql(insert, rows)
            return
        if (why := unkeepable_parameter(rows, executemany=True)) is not None:
            raise self._error(why)  # (arrays: the engine's check does not look into them)
        arrays = ", ".join(["%s::text[]"] * len(fields))
        connection.exec_driver_sql(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM unnest({arrays}) "
            f"WITH ORDINALITY AS batch ({columns}, n) ORDER BY n{skip}",
            (*(list(column) for column in zip(*rows, strict=True)),),
        )

    def _insert_list_rows(self, connection: sa.Connection, rows: list[tuple]) -> None:
        """SQLite's prepared statement over the rows; elsewhere the engine's executemany."""
        if self._dialect == "sqlite":
            connection.exec_driver_sql(_INSERT_LIST_ROWS, rows)
            return
        fields = ("list_id", "prisoner_id", "fields")
        connection.execute(
            list_rows_table.insert(), [dict(zip(fields, row, strict=True)) for row in rows]
        )


def _encoded(prisoners: PrisonerList) -> Iterable[tuple[str, str]]:
    """The list's rows as stored, in id order: as its hash kept them, else made now."""
    if prisoners.encoded is not None:
        return prisoners.encoded()
    return ((pid, _json(prisoners.rows[pid])) for pid in sorted(prisoners.rows))
