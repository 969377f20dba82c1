"""Signing sheets (``[qr] placement = "sheet"``): the cards carry nothing scannable.

A prison censor may withhold a card that bears "encoded content", so with this placement
the tracking QR moves off the card onto a per-sender A4 sheet that stays in the office:
one row per card with its QR code and printed code, the prisoner's name and prison, the
message translated into the signer's language (so that a member knows what they sign) and
a tick box.  Scanning a row's QR marks that card, as scanning the card itself would.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from postcards.cards.plans import CardPlan, CardPlanner
from postcards.codes import format_code
from postcards.page.documents import A4_MM, MARGIN_MM, Document, fit
from postcards.page.qr import QRMatrix, qr_matrix
from postcards.pairing.fair import Pairing

ROW_MM = 40.0
MODULE_MM = 0.8  # 29 modules with the quiet zone: a 23 mm symbol, easy for any scanner
_HEADER_MM = 24.0


@dataclass(frozen=True)
class SheetRow:
    """One card on a signing sheet."""

    code: str
    qr: QRMatrix
    prisoner: str
    prison: str
    message: str
    message_language: str


@dataclass(frozen=True)
class SignerSheet:
    """One sender's rows, in print order."""

    sender: str
    detail: str
    rows: tuple[SheetRow, ...]


def signer_language(planner: CardPlanner, plan: CardPlan) -> str:
    """The language to show a signer.

    Theirs when there is a template for it, else English, else the card's own.
    """
    have = set(planner.design.messages.languages())
    for language in (plan.sender.language, "en"):
        if language and language in have:
            return language
    return plan.language


def plan_sheets(planner: CardPlanner, plans: list[CardPlan]) -> list[SignerSheet]:
    """Group cards by sender and translate each message for its signer."""
    sheets = []
    for _, group in groupby(plans, key=lambda p: p.sender.id):
        cards = list(group)
        sender = cards[0].sender
        rows = tuple(_row(planner, plan) for plan in cards)
        detail = ", ".join(part for part in (sender.title, sender.parliament) if part)
        sheets.append(SignerSheet(sender.name, detail, rows))
    return sheets


def _row(planner: CardPlanner, plan: CardPlan) -> SheetRow:
    language = signer_language(planner, plan)
    if plan.personal:  # the sender's own words: their translation, else as written
        message = plan.translation or plan.text
        language = language if plan.translation else plan.language
    else:
        message = planner.message_in(language, Pairing(plan.sender, plan.prisoner, plan.language))
    campaign = planner.campaign
    payload = plan.code
    if campaign.qr_content == "url":
        payload = campaign.qr_url.replace("{code}", plan.code)
    prisoner = plan.prisoner
    prison = ", ".join(part for part in (prisoner.institution, prisoner.city) if part)
    return SheetRow(plan.code, qr_matrix(payload), prisoner.name, prison, message, language)


def write_signing_sheets(planner: CardPlanner, plans: list[CardPlan], path: Path) -> int:
    """Write the signing sheets PDF; returns the number of pages."""
    sheets = plan_sheets(planner, plans)
    title = f"{planner.campaign.name}: signing sheets, wave {planner.campaign.wave}"
    document = Document.create(path, planner.fonts, title)
    pages = 0
    for sheet in sheets:
        per_page = int((A4_MM[1] - 2 * MARGIN_MM - _HEADER_MM) // ROW_MM)
        for start in range(0, len(sheet.rows), per_page):
            _page(document, sheet, sheet.rows[start : start + per_page], title)
            document.new_page()
            pages += 1
    document.save()
    return pages


def _page(document: Document, sheet: SignerSheet, rows: tuple[SheetRow, ...],
          title: str) -> None:  # fmt: skip
    top = A4_MM[1] - MARGIN_MM
    document.line(sheet.sender, MARGIN_MM, top - 6, 14, "bold")
    document.line(sheet.detail, MARGIN_MM, top - 12, 9)
    document.line(f"{title}. Tick each card as you sign it; scan its code as it goes "
                  "into the mail bag.", MARGIN_MM, top - 18, 8)  # fmt: skip
    y = top - _HEADER_MM
    for row in rows:
        document.rule(y)
        _draw_row(document, row, y)
        y -= ROW_MM
    document.rule(y)


def _draw_row(document: Document, row: SheetRow, top: float) -> None:
    """QR and code | prisoner and prison | the message for the signer | tick box."""
    left = MARGIN_MM
    side = document.qr(row.qr, left, top - ROW_MM + 6, MODULE_MM)
    document.line(format_code(row.code), left + 2, top - ROW_MM + 2.5, 8)
    name_x, name_w = left + side + 3, 45.0
    who = fit([(row.prisoner, "bold"), (row.prison, "regular")], document.fonts, name_w,
              ROW_MM - 6, 10, 6)  # fmt: skip
    document.text(who, name_x, top - 3)
    text_x = name_x + name_w + 3
    text_w = A4_MM[0] - MARGIN_MM - 14 - text_x
    lines = [(line, "regular") for line in row.message.split("\n")]
    document.text(fit(lines, document.fonts, text_w, ROW_MM - 6, 7.5, 5), text_x, top - 3)
    document.box(A4_MM[0] - MARGIN_MM - 9, top - ROW_MM / 2 - 4.5, 9, 9)
