"""Card plans: for each card, what goes where on its front and back, in mm.

Planning is pure: it renders the message, fits every text into its box, builds the QR
symbol and the recipient's address block, and returns frozen values that the renderer
draws without further decisions.  Problems are collected per card with the spreadsheet
row they come from, so ``check`` can list them all before anything is printed.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from postcards.cards.addressing import recipient_lines, template_fields
from postcards.cards.design import BackLayout, Design, TextStyle
from postcards.cards.settings import CardSettings
from postcards.codes import format_code
from postcards.errors import LayoutError, PostcardsError, Problem
from postcards.inputs.people import People, Prisoner, Sender
from postcards.page.fonts import FontSet, font_problem
from postcards.page.geometry import Box, CardSize, pt
from postcards.page.qr import QUIET_ZONE, PlacedQR, matrix_summary, qr_matrix
from postcards.page.text import FittedText, fit_text
from postcards.pairing.fair import Pairing
from postcards.return_addresses import ReturnAddress

CODE_LABEL_PT = 7.0  # the code printed under the QR, typed when a scan fails: never smaller

_PLACED_KEPT = 1024
_NO_PROBLEMS: list[Problem] = []  # shared by every sender without one: never changed
#: The fields of each person that a card prints, checked for characters no font has.
_PRISONER_PRINTED = ("name", "name_dative", "institution", "address", "postcode", "city",
                     "region", "country")  # fmt: skip
_SENDER_PRINTED = ("name", "title", "parliament", "return_address")


@dataclass(frozen=True, slots=True)
class PlacedText:
    """Fitted text and the box it is drawn in (from the top of the box)."""

    box: Box
    text: FittedText
    colour: str = "ink"


@dataclass(frozen=True, slots=True)
class CardPlan:
    """Everything the renderer draws for one card.

    Slots, and the QR's runs packed as bytes: a print run may hold 100,000 plans.
    """

    code: str
    wave: str
    language: str
    sender: Sender
    prisoner: Prisoner
    message: PlacedText
    sender_block: PlacedText
    return_block: PlacedText | None
    address: PlacedText
    qr: PlacedQR | None
    code_label: PlacedText | None
    signature: Path | None
    text: str = ""  # the message as written, for the ledger's archive
    personal: bool = False  # the sender's own words from the assignments file
    message_file: str = ""  # where the message comes from: a template or assignments file
    translation: str = ""  # the personal message in the signer's language, if given
    headline: str = ""  # the front's headline in the card's language
    return_address: ReturnAddress | None = None  # printed under the sender, and its source

    def to_json(self) -> str:
        """The plan as JSON: makes a layout bug easy to see and to test."""

        def default(value: Any) -> Any:
            if isinstance(value, Path):
                return value.name
            if isinstance(value, frozenset | set):
                return sorted(value)
            if isinstance(value, Sender | Prisoner):
                return value.as_dict()
            raise TypeError(type(value))

        data = dataclasses.asdict(self)
        if data["qr"]:
            data["qr"]["matrix"] = matrix_summary(data["qr"]["matrix"])
        return json.dumps(data, ensure_ascii=False, indent=1, default=default)


class CardPlanner:
    """Plans cards of one size and design for one campaign."""

    def __init__(
        self,
        campaign: CardSettings,
        design: Design,
        size: CardSize,
        senders: People,
        prisoners: People,
    ):
        self.campaign, self.design, self.size = campaign, design, size
        self.senders, self.prisoners = senders, prisoners
        self.back: BackLayout = design.back(size)
        self.front_headlines: dict[str, str] = design.front(size).headlines
        self.fonts: FontSet = design.fonts
        self.returns = campaign.returns  # each sender's return address, chosen in one place
        self._campaign_fields = {
            "name": campaign.name,
            "hashtag": campaign.hashtag,
            "url": campaign.url,
            "wave": campaign.wave,
        }
        self._shared_messages: dict[str, str] = {}
        self._sender_problems: dict[str, list[Problem]] = {}
        #: Blocks placed so far by (part, text): the template's message and the return
        #: address are the same on thousands of cards.  Boxes and sizes are fixed for a
        #: planner, so the text is the whole key.
        self._placed: dict[tuple[str, object], Any] = {}
        self._printable: set[str] = set()  # messages every character of which prints
        self._last_code: tuple[str, PlacedQR | None, PlacedText | None] = ("", None, None)

    def language_of(self, pairing: Pairing) -> str:
        """The card's language: the pairing's, else the prisoner's, else the campaign's."""
        return pairing.language or pairing.prisoner.language or self.campaign.language

    def plan(self, pairing: Pairing, code: str) -> CardPlan:
        """Plan one card.

        Raises:
            PostcardsError: every problem of this card, located in the spreadsheets.
        """
        sender_id = pairing.sender.id  # the kept record's: a loaded copy's would stay in memory
        pairing = pairing.loaded()  # the card reads its people's fields many times
        problems = self._font_problems(self.prisoners, pairing.prisoner, _PRISONER_PRINTED)
        problems += self._checked_sender(sender_id, pairing.sender)
        if problems:
            raise PostcardsError(problems)
        language = self.language_of(pairing)
        returns = self.returns.choose(pairing.sender.return_address, pairing.sender.parliament)
        message = pairing.message or self._message(language, pairing)
        missing = self.fonts.missing(message) if message not in self._printable else []
        if missing:
            where = self._message_source(pairing, language)
            raise PostcardsError([font_problem(c, **where) for c in missing])
        if len(self._printable) < _PLACED_KEPT:
            self._printable.add(message)
        return CardPlan(
            code=code,
            wave=self.campaign.wave,
            language=language,
            sender=pairing.sender,
            prisoner=pairing.prisoner,
            message=self._placed_once(
                ("message", message),
                lambda: self._place(message, self.back.message, pairing, "message"),
            ),
            sender_block=self._sender_block(pairing),
            return_block=self._return_block(returns, pairing),
            address=self._place_lines(
                recipient_lines(pairing.prisoner), self.back.address, pairing, "address"
            ),
            qr=(code_blocks := self._code_blocks(code))[0],  # after the texts, as they were
            code_label=code_blocks[1],
            signature=self.signature_of(pairing.sender),
            text=message,
            personal=bool(pairing.message),
            translation=pairing.translation,
            message_file=self._message_source(pairing, language)["file"],
            headline=self.headline(language),
            return_address=returns,
        )

    def headline(self, language: str) -> str:
        """The front's headline as printed on a card in this language."""
        headlines = self.front_headlines
        return headlines.get(language) or headlines.get("en", "")

    @staticmethod
    def _message_source(pairing: Pairing, language: str) -> dict[str, Any]:
        """Where a card's message comes from: the assignments file's row, or the template."""
        if pairing.message:
            return {"file": pairing.source, "row": pairing.source_row, "column": "message"}
        return {"file": f"message.{language}.j2"}

    def message_in(self, language: str, pairing: Pairing) -> str:
        """A card's message in any language with a template (a signing sheet's translation)."""
        return self._message(language, pairing)

    def _message(self, language: str, pairing: Pairing) -> str:
        """The card's message; rendered once per language when it names no person."""
        shared = self._shared_messages.get(language)
        if shared is not None:
            return shared
        personal = bool(self.design.messages.uses(language) & {"prisoner", "sender"})
        message = self.design.messages.render(
            language,
            {
                "prisoner": template_fields(pairing.prisoner) if personal else {},
                "sender": template_fields(pairing.sender) if personal else {},
                "campaign": self._campaign_fields,
                "language": language,
            },
        )
        if not personal:
            self._shared_messages[language] = message
        return message

    def _sender_lines(self, sender: Sender) -> list[tuple[str, str]]:
        lines = [(sender.name, "bold")]
        detail = ", ".join(part for part in (sender.title, sender.parliament) if part)
        return lines + ([(detail, "regular")] if detail else [])

    def _sender_block(self, pairing: Pairing) -> PlacedText:
        lines = self._sender_lines(pairing.sender)
        return self._placed_once(
            ("sender", tuple(lines)),
            lambda: self._place_lines(lines, self.back.sender, pairing, "sender"),
        )

    def _return_block(self, chosen: ReturnAddress | None, pairing: Pairing) -> PlacedText | None:
        if chosen is None:
            return None
        lines = chosen.lines
        return self._placed_once(
            ("return address", tuple(lines)),
            lambda: self._place_lines(
                [(line, "regular") for line in lines],
                self.back.return_address,
                pairing,
                "return address",
            ),
        )

    def _placed_once(self, key: tuple[str, object], place: Any) -> Any:
        """``place()``, or the block an earlier card placed for the same text.

        A text that does not fit raises on every card (and is never kept).
        """
        found = self._placed.get(key)
        if found is None:
            if len(self._placed) >= _PLACED_KEPT:
                self._placed.clear()  # bounded: personal messages are each their own
            found = self._placed[key] = place()
        return found

    def _place(
        self, text: str, style: TextStyle, pairing: Pairing, what: str, colour: str = "ink"
    ) -> PlacedText:
        return self._place_lines(
            [(line, style.style) for line in text.split("\n")], style, pairing, what, colour
        )

    def _place_lines(
        self,
        lines: list[tuple[str, str]],
        style: TextStyle,
        pairing: Pairing,
        what: str,
        colour: str = "ink",
    ) -> PlacedText:
        try:
            fitted = fit_text(
                lines,
                self.fonts,
                pt(style.box.width_mm),
                pt(style.box.height_mm),
                style.max_size,
                style.min_size,
            )
        except LayoutError:
            raise self._does_not_fit(pairing, what, style) from None
        return PlacedText(style.box, fitted, colour)

    def _does_not_fit(self, pairing: Pairing, what: str, style: TextStyle) -> LayoutError:
        p = pairing.prisoner
        people, row = self.prisoners, p.row
        column = {"address": self.prisoners.column("institution")}.get(what, what)
        if what in ("sender", "return address"):
            people, row, column = self.senders, pairing.sender.row, what
        where: dict[str, Any] = {"file": people.file, "row": row, "column": column}
        chosen = self.returns.choose(pairing.sender.return_address, pairing.sender.parliament)
        if what == "return address" and chosen is not None:  # the campaign's, or its table's
            where = chosen.location(people.file, row, people.column("return_address"))
        if what == "message" and pairing.message:
            return LayoutError(
                Problem(
                    f"the personal message for {p.name} does not fit the card's "
                    f"{style.box.width_mm:.0f} × {style.box.height_mm:.0f} mm box even at "
                    f"{style.min_size:g} pt; shorten it, or leave it empty for the template",
                    **self._message_source(pairing, ""),
                )
            )
        return LayoutError(
            Problem(
                f"the {what} of the card from {pairing.sender.name} to {p.name} does not fit "
                f"its {style.box.width_mm:.0f} × {style.box.height_mm:.0f} mm box even at "
                f"{style.min_size:g} pt; shorten it",
                **where,
            )
        )

    def _code_blocks(self, code: str) -> tuple[PlacedQR | None, PlacedText | None]:
        """The card's QR symbol and printed code (none when the codes go on signing sheets).

        Kept for the last code only: ``check`` plans every card with one code, a print run
        gives each its own (kept by text, they crowded the shared blocks out).
        """
        if self.campaign.qr_placement != "card":
            return None, None
        if self._last_code[0] != code:
            self._last_code = (code, self._qr(code), self._code_label(code))
        return self._last_code[1], self._last_code[2]

    def _qr(self, code: str) -> PlacedQR:
        payload = code
        if self.campaign.qr_content == "url":
            payload = self.campaign.qr_url.replace("{code}", code)
        matrix = qr_matrix(payload)
        module = self.campaign.qr_module_mm
        side = matrix.modules_with_quiet_zone * module
        right, bottom = self.back.qr_corner_mm
        return PlacedQR(right - side, bottom + 3.0, module, matrix)

    def _code_label(self, code: str) -> PlacedText:
        """The code at :data:`CODE_LABEL_PT` under the symbol, in a box as wide as it is."""
        text, under = format_code(code), self._code_box
        width = self.fonts.width(text, "regular", CODE_LABEL_PT) * 25.4 / 72 + 0.01
        box = Box(under.x_mm + (under.width_mm - width) / 2, under.y_mm, width, 3.2)
        size = CODE_LABEL_PT
        fitted = fit_text([(text, "regular")], self.fonts, pt(width), pt(3.2), size, size)
        return PlacedText(box, fitted, "ink")

    @cached_property
    def _code_box(self) -> Box:
        """Where the printed code goes: the same on every card, so one box for all."""
        module = self.campaign.qr_module_mm
        side = (21 + 2 * QUIET_ZONE) * module
        right, bottom = self.back.qr_corner_mm
        return Box(right - side, bottom, side, 3.0)

    def signature_of(self, sender: Sender) -> Path | None:
        """The sender's signature image, resolved in the campaign folder, if any."""
        return (self.campaign.root / sender.signature).resolve() if sender.signature else None

    def _signature_problems(self, sender: Sender) -> list[Problem]:
        """A signature image must exist inside the campaign folder (never elsewhere)."""
        path = self.signature_of(sender)
        if path is None:
            return []
        where: dict[str, Any] = {
            "file": self.senders.file,
            "row": sender.row,
            "column": self.senders.column("signature"),
        }
        if not path.is_relative_to(self.campaign.root.resolve()):
            return [
                Problem(
                    f"{sender.signature!r} is outside the campaign folder; put the "
                    f"image in the campaign folder and give its relative path",
                    **where,
                )
            ]
        if not path.is_file():
            return [
                Problem(f"image {sender.signature!r} not found in {self.campaign.root}", **where)
            ]
        return []

    def _checked_sender(self, sender_id: str, sender: Sender) -> list[Problem]:
        """A sender's problems, found once however many cards they sign (kept by ``sender_id``)."""
        found = self._sender_problems.get(sender_id)
        if found is None:
            found = self._font_problems(
                self.senders, sender, _SENDER_PRINTED
            ) + self._signature_problems(sender)
            self._sender_problems[sender_id] = found or _NO_PROBLEMS  # 25,000 senders: one list
        return list(found)

    def _font_problems(
        self, people: People, record: Sender | Prisoner, names: tuple[str, ...]
    ) -> list[Problem]:
        """Characters no font has, located at the record's row and column."""
        texts = [(name, _text(getattr(record, name))) for name in names]
        if not self.fonts.missing("".join(text for _name, text in texts)):
            return []  # the usual case, in one look at every field
        return [
            font_problem(c, people.file, record.row, people.column(name))
            for name, text in texts
            for c in self.fonts.missing(text)
        ]


def _text(value: str | tuple[str, ...]) -> str:
    """A field as one text: a tuple's parts (an address's lines) a line each."""
    return "\n".join(value) if isinstance(value, tuple) else value
