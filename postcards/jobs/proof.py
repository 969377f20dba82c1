"""``postcards proof``: the cards ``cards`` would print, as marked PNGs, recording nothing.

The pairs, the plans, the design and the fonts are those of a print run (the same
:func:`~postcards.jobs.check.prepare`, the same print order, the same drawing code), but
no code is taken: each card carries a stand-in, ``PROOF-0001`` for the first card of the
wave's print order, which a scanner refuses (:func:`~postcards.codes.parse_code`).  The
ledger is only read (earlier waves' tallies and godparents decide the pairs, as for
``cards``); nothing is recorded, not even a pending print run.  The faces are drawn one
a page into a temporary PDF, rendered with pdfium and marked "PROOF" on the pixels.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from postcards.codes import proof_code
from postcards.config import Settings
from postcards.errors import InputError, Problem
from postcards.files import make_folder, publish, staged
from postcards.jobs.check import check_examples, prepare, print_order, print_settings
from postcards.jobs.lists import CheckReport, existing_ledger
from postcards.jobs.offices import renamed_problem
from postcards.jobs.outputs import check_outputs, named_images, protected_paths
from postcards.jobs.planning import iter_plans
from postcards.page.layouts import SINGLE
from postcards.pairing.fair import Pairing
from postcards.printing.contact import ContactSheet, Thumb
from postcards.printing.imposition import Imposition
from postcards.printing.proof_images import Faces, png_bytes, render_faces
from postcards.printing.run import CardOptions, PrintRun
from postcards.progress import Progress

CONTACT = "contact.pdf"
#: A proof image's name, as :func:`image_name` makes it: earlier proofs are found by it.
_IMAGE = re.compile(r"^\d{4,}-(front|back)-.+\.png$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ProofOptions:
    """What ``proof`` is asked: which cards (sender or prisoner ids), at what resolution."""

    only: tuple[str, ...] = ()
    dpi: int = 150
    cards: CardOptions = CardOptions()  # size, layout (its bleed), --example


@dataclass(frozen=True)
class ProofResult:
    """What ``proof`` wrote: a front and a back image a card, and the contact sheet."""

    folder: Path
    cards: int
    images: tuple[Path, ...]
    contact: Path
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class CardPreview:
    """One card's two faces as marked PNG bytes, for a page that shows them (the desk)."""

    number: int
    code: str
    sender_id: str
    prisoner_id: str
    front: bytes
    back: bytes


@dataclass(frozen=True)
class _Proofs:
    """The cards to proof, numbered in the wave's print order, and how to draw them."""

    report: CheckReport
    run: PrintRun
    numbered: list[tuple[int, Pairing]]


def make_proofs(
    campaign: Settings,
    folder: Path,
    options: ProofOptions = ProofOptions(),
    progress: Progress | None = None,
) -> tuple[CheckReport, ProofResult]:
    """``postcards proof``: ``NNNN-front-SENDER-PRISONER.png``, its back, the contact sheet.

    Earlier proof images in ``folder`` (named as these are) are removed once the new
    ones are in place, so the folder shows this run's cards and no others.

    Raises:
        UsageError: an output would replace an input.
        InputError: the lists, pairs or plans have problems, or an ``--only`` id has no
            card in the wave; nothing is written then.
    """
    proofs = _prepare(campaign, options)
    names = [image_name(n, side, p) for n, p in proofs.numbered for side in ("front", "back")]
    outputs = [folder / name for name in names] + [folder / CONTACT]
    planner = proofs.run.planner  # the lists as read: their photos and signatures
    guarded = protected_paths(campaign, outputs, images=False)
    guarded += named_images(
        campaign, outputs, {"senders": planner.senders, "prisoners": planner.prisoners}
    )
    check_outputs(outputs, guarded)
    drawn = _faces(proofs, options, progress)  # planned now: a card's problem writes nothing
    make_folder(folder)
    old = {p for p in folder.iterdir() if _IMAGE.match(p.name)} - set(outputs)
    page = proofs.run.imposition.page
    title = f"{campaign.name}, wave {campaign.wave}"
    with staged(folder / CONTACT) as temp:
        sheet = ContactSheet(temp, proofs.run.planner.fonts, title, page.width_mm / page.height_mm)
        for (number, pairing), faces in zip(proofs.numbered, drawn, strict=True):
            for side, image in (("front", faces.front), ("back", faces.back)):
                _write(folder / image_name(number, side, pairing), png_bytes(image))
            sheet.add(_thumb(number, faces))
        sheet.save()
        publish(temp, folder / CONTACT)
    for path in old:
        path.unlink(missing_ok=True)
    result = ProofResult(folder, len(proofs.numbered), tuple(outputs[:-1]), folder / CONTACT,
                         tuple(proofs.report.warnings))  # fmt: skip
    return proofs.report, result


def card_preview(
    campaign: Settings,
    sender_id: str,
    prisoner_id: str,
    dpi: int = 150,
    options: CardOptions = CardOptions(),
) -> CardPreview:
    """One card of the wave, front and back, as marked PNG bytes; records nothing.

    This is what a browser page asks for (``GET /api/preview?sender&prisoner``).

    Raises:
        InputError: the lists have problems, or the wave has no card from this sender to
            this prisoner.
    """
    proofs = _prepare(campaign, ProofOptions((sender_id, prisoner_id), dpi, options), both=True)
    faces = next(_faces(proofs, ProofOptions(dpi=dpi), None))
    number, pairing = proofs.numbered[0]
    front, back = png_bytes(faces.front), png_bytes(faces.back)
    return CardPreview(number, proof_code(number), pairing.sender.id, pairing.prisoner.id,
                       front, back)  # fmt: skip


def image_name(number: int, side: str, pairing: Pairing) -> str:
    """``0001-front-S01-P12.png``: the card's place in print order, its side, its pair."""
    sender, prisoner = (_UNSAFE.sub("_", i) for i in (pairing.sender.id, pairing.prisoner.id))
    return f"{number:04d}-{side}-{sender}-{prisoner}.png"


def _prepare(campaign: Settings, options: ProofOptions, both: bool = False) -> _Proofs:
    """The wave's cards as ``cards`` would pair and order them, chosen by ``options.only``.

    ``both``: ``only`` is one sender and one prisoner, and names one card.
    """
    card_options = dataclasses.replace(options.cards, selection=CardOptions().selection)
    with existing_ledger(campaign) or contextlib.nullcontext() as ledger:
        if ledger is not None and (renamed := renamed_problem(campaign, ledger)):
            raise InputError(renamed)
        report, planner = prepare(campaign, card_options, ledger)  # record=False: only read
    check_examples(campaign, card_options, report, url=False)
    if planner is None or report.imposition is None or report.problems:
        raise InputError(report.problems)
    numbered = list(enumerate(print_order(report.pairings), 1))
    numbered = _chosen(numbered, options.only, campaign.wave, both)
    single = Imposition(SINGLE, planner.size, report.imposition.bleed_mm, False, ())
    run = PrintRun(
        print_settings(campaign), planner, single, card_options, [p for _, p in numbered]
    )
    return _Proofs(report, run, numbered)


def _chosen(
    numbered: list[tuple[int, Pairing]], only: tuple[str, ...], wave: str, both: bool
) -> list[tuple[int, Pairing]]:
    """The cards ``--only`` asks for: from those senders or to those prisoners (or all)."""
    if not only:
        return numbered
    if both:
        sender, prisoner = only
        found = [(n, p) for n, p in numbered
                 if p.sender.id == sender and p.prisoner.id == prisoner]  # fmt: skip
        if not found:
            raise InputError(
                Problem(f"no card from sender {sender} to prisoner {prisoner} in wave {wave}")
            )
        return found
    have = {p.sender.id for _, p in numbered} | {p.prisoner.id for _, p in numbered}
    unknown = [
        Problem(
            f"--only {value}: no card from or to this id in wave {wave}; give a sender's "
            "or a prisoner's id",
            column="only",
        )  # fmt: skip
        for value in only
        if value not in have
    ]
    if unknown:
        raise InputError(unknown)
    wanted = set(only)
    return [(n, p) for n, p in numbered if {p.sender.id, p.prisoner.id} & wanted]


def _faces(proofs: _Proofs, options: ProofOptions, progress: Progress | None) -> Iterator[Faces]:
    """Plan the chosen cards with their stand-in codes and render them, a card at a time."""
    run, report = proofs.run, proofs.report
    codes = [proof_code(number) for number, _ in proofs.numbered]
    plans = list(iter_plans(run.planner, [p for _, p in proofs.numbered], codes, report))
    if report.problems:
        raise InputError(report.problems)
    return render_faces(run, plans, options.dpi, progress)


def _thumb(number: int, faces: Faces) -> Thumb:
    sender, prisoner = faces.plan.sender, faces.plan.prisoner
    return Thumb(
        faces.front,
        faces.back,
        f"{number:04d}  {sender.id} → {prisoner.id}  ({proof_code(number)})",
        f"{sender.name} → {prisoner.name}",
    )


def _write(path: Path, data: bytes) -> None:
    """Write one image under a temporary name and move it into place: never a half file."""
    with staged(path) as temp:
        temp.write_bytes(data)
        publish(temp, path)
