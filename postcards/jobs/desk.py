"""The campaign desk's work: every call of the station's desk API is one of these methods.

The station (:mod:`postcards.station.desk`) only turns requests into calls and answers
into JSON; every rule is here or in the job it calls, the same jobs the command line runs
(``check``, ``assign``, ``cards``, ``proof``).  campaign.toml is read again for each call,
so that an edit made in a text editor counts at once.  Answers are plain data; problems
stay :class:`~postcards.errors.Problem` values for the station to show as ``check`` does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import tempfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from postcards.campaign_file import load_campaign
from postcards.cards.reprint import Selection
from postcards.config import Settings
from postcards.errors import ConflictError, InputError, Problem, UsageError
from postcards.jobs.assign import AssignOptions, assign_wave
from postcards.jobs.campaign_edits import save_columns, save_settings, stale_settings
from postcards.jobs.cards import make_cards
from postcards.jobs.check import check
from postcards.jobs.lists import CheckReport
from postcards.jobs.pairs import card_findings, set_message, wave_pairs
from postcards.jobs.poster import COUNTS, PosterOptions, make_poster
from postcards.jobs.proof import card_preview
from postcards.jobs.report import read_directory
from postcards.jobs.uploads import list_report, report_json, upload_list
from postcards.ledger.coverage import Directory
from postcards.ledger.scanning import scan_scope
from postcards.page.geometry import PRESETS
from postcards.page.layouts import DUPLEX_MODES, LAYOUTS
from postcards.printing.run import CardOptions
from postcards.progress import Progress

#: What a print run gives the desk: its files by kind, and the warnings.
Printed = tuple[dict[str, Path], list[Problem]]

PRINTS = "prints"
"""The folder of the campaign folder the desk's print runs write into, one folder a run."""


class CampaignDesk:
    """The desk of one campaign folder.

    Args:
        source: the campaign.toml.
        adjust: what the command line changes in the campaign read (``--office``,
            ``--no-bom``), applied to each reading.
    """

    def __init__(self, source: Path, adjust: Callable[[Settings], Settings] = lambda c: c):
        self.source, self.adjust = source, adjust
        self.lock = threading.Lock()  # one change of the folder's files at a time

    def campaign(self) -> Settings:
        """The campaign as campaign.toml says now."""
        return self.adjust(load_campaign(self.source))

    def view(self) -> tuple[str, Directory, dict[str, Any]]:
        """What the station shows of the campaign: its name, its lists' directory, its scope.

        The scope is the campaign and ``[qr] url`` a scanned card must belong to.
        """
        campaign = self.campaign()
        return campaign.name, read_directory(campaign), scan_scope(campaign)

    def settings(self) -> dict[str, Any]:
        """``GET /api/settings``: what the desk's campaign form shows, and its choices.

        The parliaments are those of ``[return_addresses]`` and of the senders list (read
        leniently: a list with problems still names its parliaments).
        """
        campaign = self.campaign()
        listed = read_directory(campaign).parliaments.values()
        parliaments = sorted({*campaign.return_addresses, *(p for p in listed if p)})
        return {
            **_form(campaign),
            "parliaments": parliaments,
            "choices": {"size": list(PRESETS), "layout": list(LAYOUTS),
                        "duplex": list(DUPLEX_MODES), "count": list(COUNTS)},
        }  # fmt: skip

    def save_settings(self, changes: dict[str, Any], before: Any = None) -> dict[str, Any]:
        """``PUT /api/settings``: the changes saved, or refused with every problem.

        ``before``: the values the page showed of the settings it changes (None: no
        check).  A setting someone changed since is refused by name, and nothing is saved.

        Raises:
            ConflictError: a setting changed since the page read it.
            InputError: a setting campaign.toml refuses, or a ``before`` that is not one.
        """
        with self.lock:
            if before is not None:
                stale = stale_settings(_form(self.campaign()), changes, before)
                if stale:
                    raise ConflictError(stale)
            saved = save_settings(self.source, changes)
        return {"ok": True, "problems": list(saved.warnings)}

    def list_report(self, what: str) -> dict[str, Any]:
        """``GET /api/lists/{what}``: the list's columns, as the mapping reads them."""
        return report_json(list_report(self.campaign(), what))

    def upload_list(self, what: str, filename: str, data: bytes) -> dict[str, Any]:
        """``PUT /api/lists/{what}``: the upload made the campaign's list (or refused)."""
        with self.lock:
            return report_json(upload_list(self.campaign(), what, filename, data))

    def save_columns(
        self, what: str, columns: dict[str, Any], before: Any = None
    ) -> dict[str, Any]:
        """``PUT /api/columns/{what}``: the mapping checked against the list, then saved.

        ``before``: the columns the page showed (``[{"header", "field"}]``, as
        ``GET /api/lists/{what}`` gives them; None: no check).

        Raises:
            InputError: a field that is not one, or a header the list does not have; nothing
                is saved then.
            ConflictError: the list's columns are no longer those the page showed (a list
                uploaded or columns saved since, from another page).
        """
        with self.lock:
            campaign = self.campaign()
            if before is not None:
                _check_columns(campaign, what, before)
            mapping = {k: v if isinstance(v, str) else tuple(v) for k, v in columns.items()
                       if isinstance(v, str | list)}  # fmt: skip
            trial = list_report(campaign, what, columns=mapping)
            wrong = [
                p for p in trial.problems if p.column and p.column.startswith(f"{what}.columns")
            ]
            if wrong:
                raise InputError(wrong)
            save_columns(self.source, what, columns)
        return self.list_report(what)

    def check(self) -> dict[str, Any]:
        """``GET /api/check``: what ``postcards check`` finds, and its counts.

        The list's news since the last wave (releases, transfers, new names, cards to
        reprint) come apart, as ``freshness``: they ask for a look, not a fix.
        """
        report = check(self.campaign())
        news = set(report.freshness)  # releases, transfers, reprints: a list of their own
        warnings = [w for w in report.warnings if w not in news]
        return {"ok": report.ok, "problems": report.problems + warnings,
                "freshness": report.freshness, "summary": summary(report)}  # fmt: skip

    def assign(self, options: dict[str, Any]) -> dict[str, Any]:
        """``POST /api/assign``: the wave paired and the assignments file written."""
        chosen = AssignOptions(**_numbers(options, ("per_prisoner", "per_sender", "seed")))
        with self.lock:
            result = assign_wave(self.campaign(), None, chosen)
        return {"pairs": len(result.pairs.pairings), "file": result.output.name,
                "problems": result.report.warnings, "notes": result.notes}  # fmt: skip

    def pairs(self, sender: str = "", prisoner: str = "", office: str | None = None) -> list[dict]:
        """``GET /api/pairs``: the wave's cards, those of ``sender``, ``prisoner``, ``office``."""
        rows = wave_pairs(self.campaign())
        return [
            dataclasses.asdict(row)
            for row in rows
            if (not sender or row.sender_id == sender)
            and (not prisoner or row.prisoner_id == prisoner)
            and (office is None or row.office == office)
        ]

    def edit_pair(
        self, sender: str, prisoner: str, message: str, before: str | None = None
    ) -> dict[str, Any]:
        """``PUT /api/pairs/{sender}/{prisoner}``: the message saved, the card checked.

        ``before``: the message the page showed (None: no check); a message someone
        changed since is not replaced (:class:`~postcards.errors.ConflictError`).
        """
        with self.lock:
            campaign = self.campaign()
            set_message(campaign, sender, prisoner, message, before)
        (pair,) = self.pairs(sender, prisoner) or [{}]
        return {"pair": pair, "findings": card_findings(campaign, sender, prisoner)}

    def preview(self, sender: str, prisoner: str, side: str) -> bytes:
        """``GET /api/preview``: one face of the card as a marked PNG; nothing recorded."""
        if side not in ("front", "back"):
            raise UsageError(f"side {side!r}: use front or back")
        faces = card_preview(self.campaign(), sender, prisoner)
        return faces.front if side == "front" else faces.back

    def print_run(self, options: dict[str, Any]) -> Callable[[Progress], Printed]:
        """``POST /api/print``: the options checked now, the run to start (in a thread).

        The run is ``cards`` into ``prints/WAVE-TIME/cards.pdf``; it returns the files by
        kind (file, manifest, ticket, and signing, fronts, backs when written) and the
        warnings.

        Raises:
            UsageError: an option that is not one, or of the wrong kind (at once).
        """
        chosen = _card_options(options)

        def run(progress: Progress) -> Printed:
            campaign = self.campaign()
            stamp = dt.datetime.now().strftime("%Y-%m-%dT%H-%M-%S")
            folder = campaign.root / PRINTS / f"{_safe(campaign.wave)}-{stamp}"
            report, result = make_cards(campaign, folder / "cards.pdf", chosen, progress)
            files = {"file": result.pdf, "manifest": result.manifest}
            if result.ticket is not None:
                files["ticket"] = result.ticket
            if result.signing is not None:
                files["signing"] = result.signing
            for path in result.files[1:]:  # separate fronts and backs
                files[path.suffixes[-2].strip(".")] = path
            return files, report.warnings

        return run

    def poster(self, kind: str, count: str, suffix: str) -> bytes:
        """``GET /api/poster``: the godparents poster or the share images, as ``poster`` draws.

        ``kind``: ``godparents`` or ``share``; ``count``: ``sent`` (cards scanned as sent)
        or ``assigned`` (the wave's pairs); ``suffix``: ``png`` (the first page, for the
        page's preview), ``pdf`` (the godparents poster) or ``zip`` (every share image).
        Written in a private folder and read back: nothing is left in the campaign folder.

        Raises:
            UsageError: another kind, count or suffix.
            InputError: no sender counted yet, or the lists have problems.
        """
        allowed = {"godparents": ("png", "pdf"), "share": ("png", "zip")}
        if kind not in allowed:
            raise UsageError(f"poster kind {kind!r}: use godparents or share")
        if suffix not in allowed[kind]:
            raise UsageError(f"a {kind} poster as {suffix!r}: use {' or '.join(allowed[kind])}")
        campaign = self.campaign()
        options = PosterOptions(kind=kind, count=count, dpi=60 if suffix == "png" else 150)
        drawn = "pdf" if suffix == "pdf" else "png"
        with tempfile.TemporaryDirectory(prefix="postcards-poster-") as folder:
            result = make_poster(campaign, options, Path(folder) / f"poster.{drawn}")
            if suffix != "zip":
                return result.files[0].read_bytes()
            packed = io.BytesIO()
            with zipfile.ZipFile(packed, "w", zipfile.ZIP_STORED) as archive:
                for file in result.files:  # PNGs: compressed already
                    archive.write(file, file.name)
            return packed.getvalue()


def summary(report: CheckReport) -> dict[str, Any]:
    """The counts ``check`` ends with."""
    return {
        "senders": report.senders,
        "prisoners": report.prisoners,
        "in_custody": report.in_custody,
        "excluded": dict(report.excluded),
        "cards": len(report.pairings),
        "languages": dict(report.languages),
        "pairs_from": report.pairs_from.name if report.pairs_from else None,
    }


def _numbers(options: dict[str, Any], names: tuple[str, ...]) -> dict[str, int | None]:
    """Whole numbers of ``options`` (absent or null: None); anything else is refused."""
    unknown = sorted(set(options) - set(names))
    if unknown:
        raise UsageError(f"unknown option {unknown[0]!r}; use {', '.join(names)}")
    found: dict[str, int | None] = {}
    for name in names:
        value = options.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise UsageError(f"{name!r} must be a whole number")
        found[name] = value
    return found


def _card_options(options: dict[str, Any]) -> CardOptions:
    """``{"size", "layout", "duplex", "only", "senders", "prisoners"}`` as ``cards`` takes them."""
    texts = ("size", "layout", "duplex")
    lists = ("only", "senders", "prisoners")
    unknown = sorted(set(options) - set(texts) - set(lists))
    if unknown:
        raise UsageError(f"unknown option {unknown[0]!r}; use {', '.join(texts + lists)}")
    for name in texts:
        if options.get(name) is not None and not isinstance(options[name], str):
            raise UsageError(f"{name!r} must be text")
    chosen: dict[str, tuple[str, ...]] = {}
    for name in lists:
        value = options.get(name) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UsageError(f"{name!r} must be a list of texts")
        chosen[name] = tuple(value)
    selection = Selection.parse(chosen["only"], chosen["senders"], chosen["prisoners"])
    return CardOptions(size=options.get("size") or None, layout=options.get("layout") or None,
                       duplex=options.get("duplex") or None, selection=selection,
                       jobs=1)  # fmt: skip


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text) or "wave"


def _form(campaign: Settings) -> dict[str, dict[str, Any]]:
    """The settings the desk's campaign form shows, as ``GET /api/settings`` gives them."""
    return {
        "campaign": {"name": campaign.name, "hashtag": campaign.hashtag, "url": campaign.url,
                     "wave": campaign.wave, "office": campaign.office,
                     "return_address": list(campaign.return_address)},
        "cards": {"size": campaign.size, "language": campaign.language,
                  "layout": campaign.layout, "duplex": campaign.duplex},
        "return_addresses": {k: list(v) for k, v in campaign.return_addresses.items()},
    }  # fmt: skip


def _check_columns(campaign: Settings, what: str, before: Any) -> None:
    """Refuse a mapping made from columns that are not the list's columns now."""
    shape = isinstance(before, list) and all(
        isinstance(c, dict) and isinstance(c.get("header"), str) for c in before
    )
    if not shape:
        example = '[{"header": "Vorname", "field": "name"}]'
        raise InputError(Problem(f"expected the columns the page showed, like {example}",
                                 file="campaign.toml", column="before"))  # fmt: skip
    now = list_report(campaign, what)
    if list(now.columns) != [(c["header"], c.get("field")) for c in before]:
        raise ConflictError(
            Problem(
                f"the columns of {now.file} changed since this page showed them (a list "
                "uploaded or columns saved since, from another page); reload the page to see "
                "them, then map them again",
                file="campaign.toml",
                column=f"{what}.columns",
            )
        )
