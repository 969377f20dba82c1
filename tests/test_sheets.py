"""N-up sheets, read back from rendered pages: backs behind their own fronts, crop marks,
the printer offset, the slug line and the calibration sheet.

Where a back should be is computed here from the physics of turning paper over, not from
the code's slot tables: a postcard turns over about its own vertical axis; a sheet printed
long-edge turns about its long edge (x -> W - x on a portrait sheet), short-edge about its
short edge (y -> H - y).  Fronts are found on the rendered front page (the motif image's
centre and the headline's direction); backs by decoding each QR code on the back page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import read_manifest, run

from postcards.campaign_file import load_campaign
from postcards.codes import is_valid
from postcards.jobs.cards import make_cards
from postcards.printing.run import CardOptions

MM = 72 / 25.4  # points per mm
DPI = 200
CARD_W, CARD_H = 148.0, 105.0  # A6
SIZES = {"a4-2up": 2, "a4-4up": 4, "letter-2up": 2, "sra3-8up": 8}

PRISONER_HEADER = "id,name,name_dative,birth_year,institution,address,postcode,city,region,language"


def write_campaign(folder: Path, prisoners: int, extra: str = "") -> Path:
    """A campaign with 3 senders and ``prisoners`` prisoners in custody (one card each)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "senders.csv").write_text(
        "id,name,title,parliament\n"
        "S1,Anna Nowak,MEP,European Parliament\n"
        "S2,Jonas Petraitis,MEP,European Parliament\n"
        "S3,Eva Dvořáková,MEP,European Parliament\n",
        encoding="utf-8",
    )
    rows = [PRISONER_HEADER] + [
        f"P{i:02d},Иванов Иван {i},Иванову Ивану {i},19{50 + i},ИК № {i},"
        f"ул. Лесная {i},2134{i:02d},г. Горки,Могилёвская обл.,{'be' if i % 3 else 'ru'}"
        for i in range(1, prisoners + 1)
    ]
    (folder / "prisoners.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "campaign.toml").write_text(
        '[campaign]\nname = "Sheet test"\nwave = "W1"\n'
        'return_address = ["Rue Wiertz 60", "1047 Brussels", "BELGIUM"]\n'
        '[inputs]\nsenders = "senders.csv"\nprisoners = "prisoners.csv"\n' + extra,
        encoding="utf-8",
    )
    return folder


def print_sheets(
    folder: Path,
    layout: str,
    duplex: str = "long-edge",
    start_at: int = 1,
    name: str = "sheets.pdf",
    **options,
) -> tuple[Path, list[dict[str, str]]]:
    campaign = load_campaign(folder / "campaign.toml")
    _, result = make_cards(
        campaign,
        folder / name,
        CardOptions(layout=layout, duplex=duplex, start_at=start_at, **options),
    )
    return result.pdf, read_manifest(result.manifest)


# --- reading the rendered pages --------------------------------------------------------


@dataclass(frozen=True)
class Front:
    x: float  # centre, mm from the sheet's bottom-left
    y: float
    degrees: int  # the card's turn on the sheet, counter-clockwise


@dataclass(frozen=True)
class Found:
    code: str
    x: float  # QR centre, mm from the page's bottom-left
    y: float
    degrees: int  # the symbol's turn on the page, counter-clockwise


def fronts(pdf: Path, page: int) -> list[Front]:
    """Every card front on a page, in reading order (rows from the top, then left to right):
    the centre of the box its motif is clipped to (the card's page: the motif itself is
    placed about its subject, not centred) and the turn the motif is drawn with."""
    from pdfcheck import apply, walk_pages

    found: list[Front] = []
    clip: list[tuple[float, float]] = []

    def visit(operator, operands, ctm, resources, stream) -> None:
        if operator == b"re":
            x, y, w, h = (float(v) for v in operands)
            clip[:] = [apply(ctm, x, y), apply(ctm, x + w, y + h)]
        elif operator == b"Do":
            target = resources["/XObject"][operands[0]].get_object()
            if target.get("/Subtype") == "/Image":
                (x0, y0), (x1, y1) = clip
                turn = round(math.degrees(math.atan2(ctm[1], ctm[0]))) % 360
                found.append(Front((x0 + x1) / 2 / MM, (y0 + y1) / 2 / MM, turn))

    walk_pages(pdf, visit, [page])
    return sorted(found, key=lambda f: (-round(f.y), round(f.x)))


def qr_codes(pdf: Path, page: int, dpi: int = DPI) -> list[Found]:
    """The QR codes on a rendered page, with their centres and turns in page mm."""
    import pypdfium2 as pdfium
    import zxingcpp

    document = pdfium.PdfDocument(str(pdf))
    try:
        image = document[page].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    px = 25.4 / dpi
    height = image.height * px
    found = []
    for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        if not is_valid(result.text):
            continue  # a rare false find in the artwork; every card's code is checked below
        corners = result.position
        points = [corners.top_left, corners.top_right, corners.bottom_right, corners.bottom_left]
        cx = sum(p.x for p in points) / 4 * px
        cy = height - sum(p.y for p in points) / 4 * px
        dx = corners.top_right.x - corners.top_left.x
        dy = -(corners.top_right.y - corners.top_left.y)
        turn = round(math.degrees(math.atan2(dy, dx)) / 90) * 90 % 360  # corners are noisy
        found.append(Found(result.text, cx, cy, turn))
    return found


@pytest.fixture(scope="module")
def qr_on_card(tmp_path_factory: pytest.TempPathFactory) -> tuple[float, float]:
    """Where the QR's centre is on a card's back (mm from the trim's bottom-left), measured
    on a single-layout page."""
    folder = write_campaign(tmp_path_factory.mktemp("single"), 1)
    pdf, _ = print_sheets(folder, "single")
    (found,) = qr_codes(pdf, 1, dpi=300)
    return found.x - 3.0, found.y - 3.0  # the page has 3 mm of bleed


def sheet_size(pdf: Path) -> tuple[float, float]:
    from pypdf import PdfReader

    box = PdfReader(pdf).pages[0].mediabox
    return float(box.width) / MM, float(box.height) / MM


def expected_back(
    front: Front, qr: tuple[float, float], duplex: str, sheet: tuple[float, float]
) -> tuple[float, float, int]:
    """Where a card's QR must be on the back page, and its turn, after turning paper over.

    The QR at (qx, qy) on the card's back lies behind the front's point (W - qx, qy); that
    point is placed on the sheet by the front's centre and turn; the sheet's turn then maps
    it to the back page.
    """
    u, v = CARD_W - qr[0] - CARD_W / 2, qr[1] - CARD_H / 2
    t = math.radians(front.degrees)
    x = front.x + u * math.cos(t) - v * math.sin(t)
    y = front.y + u * math.sin(t) + v * math.cos(t)
    width, height = sheet
    long_is_vertical = height >= width
    if (duplex == "short-edge") == long_is_vertical:  # turned about a horizontal edge
        return x, height - y, (180 - front.degrees) % 360
    return width - x, y, (-front.degrees) % 360


def assert_backs_behind_fronts(
    pdf: Path,
    manifest: list[dict[str, str]],
    duplex: str,
    qr: tuple[float, float],
    backs: Path | None = None,
    offset: tuple[float, float] = (0.0, 0.0),
) -> int:
    sheet = sheet_size(pdf)
    checked = 0
    for number in sorted({int(card["sheet"]) for card in manifest}):
        cards = sorted(
            (c for c in manifest if int(c["sheet"]) == number), key=lambda c: int(c["slot"])
        )
        front_page = int(cards[0]["front_page"]) - 1
        back_page = int(cards[0]["back_page"]) - 1
        seen = fronts(pdf, front_page)
        assert len(seen) == len(cards), f"sheet {number}: one front per card"
        found = {f.code: f for f in qr_codes(backs or pdf, back_page)}
        assert sorted(found) == sorted(c["code"] for c in cards), f"sheet {number}"
        for card, front in zip(cards, seen, strict=True):
            x, y, degrees = expected_back(front, qr, duplex, sheet)
            back = found[card["code"]]
            assert abs(back.x - x - offset[0]) < 0.5 and abs(back.y - y - offset[1]) < 0.5, (
                f"sheet {number} slot {card['slot']}: QR at ({back.x:.1f}, {back.y:.1f}), "
                f"its front puts it at ({x:.1f}, {y:.1f})"
            )
            assert back.degrees == degrees, f"sheet {number} slot {card['slot']}: turned"
            checked += 1
    return checked


# --- duplex -----------------------------------------------------------------------------


@pytest.mark.parametrize("layout", list(SIZES))
@pytest.mark.parametrize("duplex", ["long-edge", "short-edge"])
def test_each_back_lies_behind_its_own_front(
    tmp_path: Path, qr_on_card: tuple[float, float], layout: str, duplex: str
) -> None:
    per_sheet = SIZES[layout]
    # one full sheet and a partial last one
    folder = write_campaign(tmp_path / "full", per_sheet + 1)
    pdf, manifest = print_sheets(folder, layout, duplex)
    assert [int(c["sheet"]) for c in manifest] == [1] * per_sheet + [2]
    assert [int(c["slot"]) for c in manifest] == [*range(1, per_sheet + 1), 1]
    assert assert_backs_behind_fronts(pdf, manifest, duplex, qr_on_card) == per_sheet + 1
    # starting mid-sheet on partly used stock: the first slots stay empty, back and front
    folder = write_campaign(tmp_path / "start", per_sheet)
    pdf, manifest = print_sheets(folder, layout, duplex, start_at=2)
    assert [(int(c["sheet"]), int(c["slot"])) for c in manifest] == [
        *((1, s) for s in range(2, per_sheet + 1)),
        (2, 1),
    ]
    assert assert_backs_behind_fronts(pdf, manifest, duplex, qr_on_card) == per_sheet


def test_separate_files_for_printers_without_duplex(
    tmp_path: Path, qr_on_card: tuple[float, float]
) -> None:
    folder = write_campaign(tmp_path, 5)
    result = run(
        "-c",
        folder,
        "cards",
        "--layout",
        "a4-4up",
        "--duplex",
        "separate",
        "-o",
        folder / "run.pdf",
    )
    assert result.exit_code == 0, result.stderr
    fronts_pdf, backs_pdf = folder / "run.fronts.pdf", folder / "run.backs.pdf"
    assert not (folder / "run.pdf").exists()
    manifest = read_manifest(folder / "run.manifest.csv")
    assert [(c["front_page"], c["back_page"]) for c in manifest] == [("1", "1")] * 4 + [("2", "2")]
    from pypdf import PdfReader

    assert len(PdfReader(fronts_pdf).pages) == len(PdfReader(backs_pdf).pages) == 2
    assert not qr_codes(fronts_pdf, 0)  # fronts carry no code
    # backs are laid out for reloading the stack turned over like a book page
    assert (
        assert_backs_behind_fronts(fronts_pdf, manifest, "long-edge", qr_on_card, backs=backs_pdf)
        == 5
    )


def test_a_custom_grid_turns_cards_when_more_fit(
    tmp_path: Path, qr_on_card: tuple[float, float]
) -> None:
    folder = write_campaign(
        tmp_path, 5, extra=('[layouts.a3-auto]\nsheet = "A3"\ngap_mm = 10\nmargin_mm = 8\n')
    )
    check = run("-c", folder, "check", "--layout", "a3-auto")
    assert check.exit_code == 0, check.stdout
    assert "layout: a3-auto, 4 cards a A3 (297 × 420 mm) sheet, turned" in check.stdout
    pdf, manifest = print_sheets(folder, "a3-auto")
    assert sheet_size(pdf) == pytest.approx((297, 420), abs=0.01)
    assert {f.degrees for f in fronts(pdf, 0)} == {90}  # 2 × 2 turned beats 1 × 3 upright
    assert assert_backs_behind_fronts(pdf, manifest, "long-edge", qr_on_card) == 5


def test_a_printer_offset_moves_every_back(tmp_path: Path) -> None:
    folder = write_campaign(tmp_path / "plain", 3)
    pdf, manifest = print_sheets(folder, "a4-2up")
    shifted = write_campaign(
        tmp_path / "shifted", 3, extra=("[print]\nback_offset_mm = [1.5, -2]\n")
    )
    pdf_shifted, _ = print_sheets(shifted, "a4-2up")
    for page in (1, 3):
        before = {f.code: f for f in qr_codes(pdf, page, dpi=300)}
        after = {f.code: f for f in qr_codes(pdf_shifted, page, dpi=300)}
        # the same cards: the ledger is per folder, so compare by position in print order
        assert len(before) == len(after) > 0
        for old, new in zip(
            sorted(before.values(), key=lambda f: (-f.y, f.x)),
            sorted(after.values(), key=lambda f: (-f.y, f.x)),
            strict=True,
        ):
            assert new.x - old.x == pytest.approx(1.5, abs=0.2)
            assert new.y - old.y == pytest.approx(-2.0, abs=0.2)
    # fronts do not move
    assert fronts(pdf, 0) == fronts(pdf_shifted, 0)


def test_a_named_printer_profile_gives_its_offset(tmp_path: Path) -> None:
    extra = "[printers.office]\nback_offset_mm = [1.5, -2]\n[print]\nback_offset_mm = [0, 0]\n"
    folder = write_campaign(tmp_path, 2, extra=extra)
    result = run(
        "-c", folder, "cards", "--layout", "a4-2up", "--printer", "office", "-o", folder / "a.pdf"
    )
    assert result.exit_code == 0, result.stderr
    plain = print_sheets(folder, "a4-2up", name="b.pdf")[0]
    (a,), (b,) = qr_codes(folder / "a.pdf", 1, dpi=300)[:1], qr_codes(plain, 1, dpi=300)[:1]
    assert (a.x - b.x, a.y - b.y) == pytest.approx((1.5, -2.0), abs=0.2)
    unknown = run(
        "-c", folder, "cards", "--layout", "a4-2up", "--printer", "attic", "-o", folder / "c.pdf"
    )
    assert unknown.exit_code == 1
    assert "no printer profile 'attic' (office); add [printers.attic]" in unknown.stderr


@pytest.mark.parametrize(
    "command", [["check"], ["cards", "--layout", "a4-2up"], ["calibrate", "--layout", "a4-2up"]]
)
@pytest.mark.parametrize(
    ("extra", "setting", "shown"),
    [
        ("[print]\nback_offset_mm = [5.5, 0]\n", "print.back_offset_mm", "[5.5, 0]"),
        (
            "[printers.office]\nback_offset_mm = [1, -7]\n",
            "printers.office.back_offset_mm",
            "[1, -7]",
        ),
    ],
)
def test_a_printer_offset_over_5_mm_is_refused(
    tmp_path: Path, command: list[str], extra: str, setting: str, shown: str
) -> None:
    folder = write_campaign(tmp_path, 2, extra=extra)
    result = (
        run("-c", folder, *command, "-o", folder / "out.pdf")
        if command[0] != "check"
        else run("-c", folder, *command)
    )
    assert result.exit_code == 1, result.stdout
    assert (
        f"campaign.toml: {setting}: offset {shown} mm is more than 5 mm in x or y and "
        "would push the backs off the sheet"
    ) in result.stderr
    assert not (folder / "out.pdf").exists()


def test_a_printer_offset_of_5_mm_is_accepted(tmp_path: Path) -> None:
    folder = write_campaign(tmp_path, 2, extra="[print]\nback_offset_mm = [-5, 5]\n")
    assert run("-c", folder, "check").exit_code == 0


# --- crop marks and the slug line ---------------------------------------------------------


def render(pdf: Path, page: int, dpi: int = 150):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return document[page].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        document.close()


def card_box(front: Front, grow_mm: float) -> tuple[float, float, float, float]:
    """A card's trim (grown by ``grow_mm``) around its front, as (left, bottom, right, top)."""
    w, h = (CARD_H, CARD_W) if front.degrees in (90, 270) else (CARD_W, CARD_H)
    return (
        front.x - w / 2 - grow_mm,
        front.y - h / 2 - grow_mm,
        front.x + w / 2 + grow_mm,
        front.y + h / 2 + grow_mm,
    )


def marks_inside(marks, box: tuple[float, float, float, float], dpi: int = 150) -> bool:
    """Whether any mark pixel lies inside a box given in page mm."""
    px = dpi / 25.4
    left, bottom, right, top = box
    height = marks.height
    region = (
        max(0, round(left * px)),
        max(0, round(height - top * px)),
        min(marks.width, round(right * px)),
        min(height, round(height - bottom * px)),
    )
    return marks.crop(region).getbbox() is not None


def mark_pixels(tmp_path: Path, layout: str, cards: int, page: int):
    """The crop marks alone: a front rendered with marks minus the same without."""
    from PIL import ImageChops

    with_marks = write_campaign(tmp_path / "marks", cards)
    without = write_campaign(tmp_path / "none", cards, extra="[cards]\ncrop_marks = false\n")
    pdf, _ = print_sheets(with_marks, layout)
    plain, _ = print_sheets(without, layout)
    marks = ImageChops.difference(render(pdf, page), render(plain, page))
    return marks.point(lambda v: 255 if v > 40 else 0), pdf


@pytest.mark.parametrize(("layout", "bleed"), [("a4-2up", 3), ("sra3-8up", 3)])
def test_crop_marks_stay_outside_every_card(tmp_path: Path, layout: str, bleed: float) -> None:
    marks, pdf = mark_pixels(tmp_path, layout, SIZES[layout], 0)
    assert marks.getbbox() is not None, "the sheet has crop marks"
    for front in fronts(pdf, 0):
        assert not marks_inside(marks, card_box(front, 0)), "a mark inside a trim"
        # not over any card's bleed either (less a pixel for anti-aliasing)
        assert not marks_inside(marks, card_box(front, bleed - 0.2)), "a mark over a card"


REGISTRATION = (1, 1, 1, 1)
MARK_MM = {"a4-2up": 5.0, "letter-2up": 5.0, "sra3-8up": 4.0}
SLUG = r"Sheet test · wave W1 · sheet \d+ of \d+ · (front|back)"


def slug_chars(page) -> list[dict]:
    """The characters of the slug line on a pdfplumber page."""
    return [c for found in page.search(SLUG) for c in found["chars"]]


@pytest.mark.parametrize("layout", ["a4-2up", "letter-2up", "sra3-8up"])
def test_marks_and_slug_keep_5_mm_from_the_sheet_edge(tmp_path: Path, layout: str) -> None:
    """Presses leave the outer millimetres blank: read every line and character back."""
    import pdfplumber

    folder = write_campaign(tmp_path, SIZES[layout] + 1)  # a full and a partial sheet
    pdf, _ = print_sheets(folder, layout)
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages):
            width, height = float(page.width) / MM, float(page.height) / MM
            marks = [line for line in page.lines if line["stroking_color"] == REGISTRATION]
            for mark in marks:
                length = math.hypot(mark["x1"] - mark["x0"], mark["bottom"] - mark["top"])
                assert length / MM == pytest.approx(MARK_MM[layout], abs=0.01)
            slug = slug_chars(page)
            assert slug, f"page {number + 1} has a slug line"
            assert {round(c["size"], 2) for c in slug} == {7.0}
            assert len(marks) >= 8  # fronts and backs alike
            for thing in marks + slug:
                left, right = thing["x0"] / MM, thing["x1"] / MM
                top, bottom = thing["top"] / MM, thing["bottom"] / MM
                assert min(left, top, width - right, height - bottom) >= 5 - 0.01, (
                    f"{layout} page {number + 1}: {thing.get('text', 'a mark')} lies "
                    f"within 5 mm of the edge"
                )


def test_no_crop_marks_at_empty_slots(tmp_path: Path) -> None:
    marks, pdf = mark_pixels(tmp_path, "a4-2up", 3, 2)  # sheet 2 holds only slot 1
    top, bottom = fronts(pdf, 0)  # where the two slots are, from the full first sheet
    assert fronts(pdf, 2) == [top]
    assert marks_inside(marks, card_box(top, 3 + 5 + 1))
    assert not marks_inside(marks, card_box(bottom, 3 + 5 + 1))


def test_crop_marks_are_full_length_and_sheets_have_their_media_box(tmp_path: Path) -> None:
    import pdfplumber

    folder = write_campaign(tmp_path, 3)
    pdf, _ = print_sheets(folder, "a4-2up")
    assert sheet_size(pdf) == pytest.approx((210, 297), abs=0.01)
    with pdfplumber.open(pdf) as document:
        full, partial = (
            [line for line in document.pages[n].lines if line["stroking_color"] == REGISTRATION]
            for n in (0, 2)
        )
    assert (len(full), len(partial)) == (16, 8)  # 8 marks a card, none for the empty slot
    for line in full + partial:
        length = math.hypot(line["x1"] - line["x0"], line["bottom"] - line["top"])
        assert length / MM == pytest.approx(5.0, abs=0.01)


def test_the_slug_line_names_campaign_wave_sheet_and_side(tmp_path: Path) -> None:
    import pdfplumber
    from conftest import page_texts

    folder = write_campaign(tmp_path, 3)
    pdf, _ = print_sheets(folder, "a4-2up")
    texts = page_texts(pdf)
    for sheet, side, page in ((1, "front", 0), (1, "back", 1), (2, "front", 2), (2, "back", 3)):
        assert f"Sheet test · wave W1 · sheet {sheet} of 2 · {side}" in texts[page]
    with pdfplumber.open(pdf) as document:
        page = document.pages[0]
        slug = slug_chars(page)
        lowest_mark = max(
            line["bottom"] for line in page.lines if line["stroking_color"] == REGISTRATION
        )
    assert slug and min(c["top"] for c in slug) > lowest_mark  # below the marks


def test_fonts_are_embedded_in_sheets_and_cards(tmp_path: Path) -> None:
    from pypdf import PdfReader

    folder = write_campaign(tmp_path, 2)
    for layout in ("single", "a4-2up"):
        pdf, _ = print_sheets(folder, layout, name=f"{layout}.pdf")
        fonts = {}
        for page in PdfReader(pdf).pages:
            for xobject in [page, *page["/Resources"].get("/XObject", {}).values()]:
                resources = xobject.get_object().get("/Resources", {})
                for font in resources.get("/Font", {}).values():
                    font = font.get_object()
                    fonts[font["/BaseFont"]] = font
        assert fonts
        for name, font in fonts.items():
            if "/DescendantFonts" in font:  # a Type0 font: the glyphs are its CIDFont's
                font = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in font["/FontDescriptor"], f"{name} is not embedded"


# --- the calibration sheet -----------------------------------------------------------------


@pytest.mark.parametrize("duplex", ["long-edge", "short-edge"])
def test_calibration_rulers_lie_behind_the_front_crosses(tmp_path: Path, duplex: str) -> None:
    import pdfplumber

    result = run(
        "calibrate",
        "--layout",
        "sra3-8up",
        "--duplex",
        duplex,
        "-o",
        tmp_path / "calib.pdf",
        cwd=tmp_path,
    )
    assert result.exit_code == 0, result.stderr
    assert "back_offset_mm = [x, y]" in result.stdout

    def centres(page, length_mm: float) -> dict[str, tuple[float, float]]:
        """Centres of the horizontal lines of a length, by the slot label beside each."""
        height = float(page.height)
        found = [
            ((line["x0"] + line["x1"]) / 2 / MM, (height - line["top"]) / MM)
            for line in page.lines
            if abs(line["top"] - line["bottom"]) < 0.01
            and abs((line["x1"] - line["x0"]) / MM - length_mm) < 0.01
        ]
        words = page.extract_words()
        labels = {}
        for slot, number in zip(words, words[1:], strict=False):
            if slot["text"] == "slot":  # drawn 3 mm right of and above its centre
                x, y = slot["x0"] / MM - 3, (height - slot["bottom"]) / MM - 3
                labels[number["text"]] = min(found, key=lambda c: math.dist(c, (x, y)))
        return labels

    with pdfplumber.open(tmp_path / "calib.pdf") as document:
        assert len(document.pages) == 2
        crosses = centres(document.pages[0], 12)
        rulers = centres(document.pages[1], 10)
        width, height = (float(document.pages[0].width) / MM, float(document.pages[0].height) / MM)
    assert (round(width), round(height)) == (320, 450)
    assert sorted(crosses) == sorted(rulers) == [str(n) for n in range(1, 9)]
    for slot, (x, y) in crosses.items():
        behind = (width - x, y) if duplex == "long-edge" else (x, height - y)
        assert rulers[slot] == pytest.approx(behind, abs=0.01), f"slot {slot}"
