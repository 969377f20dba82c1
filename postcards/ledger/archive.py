"""The archive: per prisoner, every message sent to them, to hand over after release.

Many cards never reach a prisoner; the archive lets the campaign give them every word
that was written to them anyway.  One PDF a prisoner (named by their id), each card with
its sender, the day it went out and its text as printed, oldest first.  Void cards and
cards that never went out are left out.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path

from postcards.files import make_folder, publish, remove_folders, staged
from postcards.ledger.book import Ledger
from postcards.ledger.model import OUT_STATUSES, is_void
from postcards.order import natural_key
from postcards.page.documents import A4_MM, MARGIN_MM, Document, fit
from postcards.page.fonts import FontSet

_LOST = "(the text of this card was not kept: it was printed before postcards kept texts)"


@dataclass(frozen=True)
class Letter:
    """One card that went out: who wrote (from which office, if named), when, what it said."""

    code: str
    sender: str
    sent: str  # the day, YYYY-MM-DD
    text: str
    office: str = ""  # the office that printed it ('' unnamed: the campaign's only one)

    @property
    def signed(self) -> str:
        """The sender as the letter names them: "Hans Müller (office bundestag)"."""
        return f"{self.sender} (office {self.office})" if self.office else self.sender


@dataclass(frozen=True)
class Bundle:
    """Everything sent to one prisoner."""

    prisoner_id: str
    prisoner_name: str
    letters: tuple[Letter, ...]


def collect(ledger: Ledger, campaign: str) -> list[Bundle]:
    """Per prisoner, the cards that went out (not void), oldest first."""
    went_out: dict[str, str] = {}
    history: dict[str, list[str]] = {}
    for event in ledger.events(campaign):
        history.setdefault(event.code, []).append(event.status)
        if event.status in OUT_STATUSES:
            went_out.setdefault(event.code, event.at[:10])
    void = {code for code, statuses in history.items() if is_void(statuses)}
    bundles: dict[str, tuple[str, list[Letter]]] = {}
    for card in ledger.cards(campaign):
        if card.code in void or card.code not in went_out:
            continue
        _, letters = bundles.setdefault(card.prisoner_id, (card.prisoner_name, []))
        letters.append(Letter(card.code, card.sender_name, went_out[card.code], card.message,
                              card.office))  # fmt: skip
    return [
        Bundle(pid, name, tuple(sorted(letters, key=lambda x: (x.sent, x.sender, x.code))))
        for pid, (name, letters) in sorted(bundles.items(), key=lambda item: natural_key(item[0]))
    ]


def file_name(prisoner_id: str) -> str:
    """A safe file name for a prisoner's archive: their id, other characters as _."""
    return (re.sub(r"[^A-Za-z0-9_-]", "_", prisoner_id) or "_") + ".pdf"


def archive_paths(bundles: list[Bundle], folder: Path) -> list[Path]:
    """The file each bundle is written to, in order: ``ID.pdf``.

    Names are numbered when two ids differ only in characters a file name cannot hold.
    """
    paths = []
    names: dict[str, int] = {}
    for bundle in bundles:
        name = file_name(bundle.prisoner_id)
        names[name] = names.get(name, 0) + 1
        if names[name] > 1:
            name = f"{name[:-4]}-{names[name]}.pdf"
        paths.append(folder / name)
    return paths


def write_archive(bundles: list[Bundle], folder: Path, fonts: FontSet, campaign: str
                  ) -> list[Path]:  # fmt: skip
    """Write one PDF per prisoner into ``folder``, all or none; returns the paths.

    Every PDF is written as a temporary file first; only when all are complete are they
    renamed into place, so a full disk halfway leaves no archive with prisoners missing.

    Raises:
        OutputError: the folder cannot be made or a file cannot be written there.
    """
    made = make_folder(folder)
    written = archive_paths(bundles, folder)
    try:
        with contextlib.ExitStack() as stack:
            finished = []
            for bundle, path in zip(bundles, written, strict=True):
                tmp = stack.enter_context(staged(path))
                _write_bundle(bundle, tmp, fonts, campaign)
                finished.append((tmp, path))
            for tmp, path in finished:
                publish(tmp, path)
    except BaseException:
        remove_folders(made)
        raise
    return written


def _write_bundle(bundle: Bundle, path: Path, fonts: FontSet, campaign: str) -> None:
    document = Document.create(path, fonts, f"{campaign}: messages to {bundle.prisoner_name}")
    width = A4_MM[0] - 2 * MARGIN_MM
    top = A4_MM[1] - MARGIN_MM
    document.line(bundle.prisoner_name, MARGIN_MM, top - 7, 16, "bold")
    document.line(f"{campaign} ({len(bundle.letters)})", MARGIN_MM, top - 14, 10)
    y = top - 22
    for letter in bundle.letters:
        lines = [(line, "regular") for line in (letter.text or _LOST).split("\n")]
        body = fit(lines, fonts, width, 1000, 10.5, 10.5)
        height = 9 + len(body.lines) * body.leading / (72 / 25.4) + 4
        if y - height < MARGIN_MM:
            document.new_page()
            y = top
        document.rule(y)
        document.line(f"{letter.signed} · {letter.sent}", MARGIN_MM, y - 6, 10, "bold")
        document.text(body, MARGIN_MM, y - 9)
        y -= height
    document.save()
