"""Posters: the count, the names, the fitting, the pixel sizes, the QR code and photos.

Every poster is read back the way a user would meet it: text with pypdf, character boxes
with pdfplumber, pages rendered by pdfium, images opened with Pillow, the QR code decoded
with zxing-cpp.
"""

from __future__ import annotations

import csv
import itertools
import random
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import decode_qr, page_texts, read_manifest, run

from postcards.cards.design import load_design
from postcards.errors import LayoutError
from postcards.inputs.people import Prisoner
from postcards.ledger.book import Ledger
from postcards.posters.columns import fit_grid
from postcards.posters.drawing import PosterRenderer
from postcards.posters.kinds import PosterContext, plan_godparents, plan_wall
from postcards.posters.plans import Group, poster_size
from postcards.posters.templates import POSTER_LANGUAGES, PosterTexts, plural_index
from postcards.resources import bundled

URL = "https://example.org/godparents"
TODAY = date(2026, 3, 14)

# Nine senders in four parliaments; S9 has no parliament.
SENDERS = [
    ("S1", "Łukasz Wiśniewski", "Sejm RP"),
    ("S2", "Jūratė Kazlauskienė", "Seimas"),
    ("S3", "Björn Süßmann", "Bundestag"),
    ("S4", "Éamonn Ó Ríordáin", "Dáil Éireann"),
    ("S5", "Agnieszka Źródłowska", "Sejm RP"),
    ("S6", "Dörte Großmüller", "Bundestag"),
    ("S7", "Kęstutis Ąžuolaitis", "Seimas"),
    ("S8", "Anne O'Neill", "Dáil Éireann"),
    ("S9", "Henrik Lindqvist", ""),
]
PRISONER_HEADER = [
    "id",
    "name",
    "name_latin",
    "birth_year",
    "institution",
    "address",
    "postcode",
    "city",
    "country",
    "language",
    "status",
    "sentence",
    "photo",
]


def _prisoner_row(n: int, photo: str = "", status: str = "in_custody") -> list[str]:
    return [
        f"P{n}",
        f"Иванов Сергей {n}",
        f"Ivanov Sergei {n}",
        str(1960 + n),
        "ИК № 9",
        "ул. Заводская, 22",
        "213410",
        "г. Горки",
        "BELARUS",
        "ru",
        status,
        "3 года",
        photo,
    ]


def write_campaign(folder: Path, prisoners: list[list[str]]) -> Path:
    """A campaign of the nine senders above and the given prisoner rows."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "campaign.toml").write_text(
        f"""
[campaign]
name = "Poster test"
hashtag = "#PosterTest"
url = "{URL}"
wave = "W1"

[inputs]
senders = "senders.csv"
prisoners = "prisoners.csv"
""",
        encoding="utf-8",
    )
    with open(folder / "senders.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "parliament"])
        writer.writerows(SENDERS)
    with open(folder / "prisoners.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PRISONER_HEADER)
        writer.writerows(prisoners)
    return folder


@pytest.fixture
def sent_campaign(sent_once: Path, tmp_path: Path) -> tuple[Path, set[str]]:
    """Eight prisoners in custody (one card each, senders S1-S8) and one released; in the
    ledger, S1-S5 have a card out (S2's returned, S3's answered), S6's card was sent and
    then voided, S7 and S8 have nothing sent.  Returns the folder and who counts.

    Printed and scanned once for this module, copied for each test."""
    folder = tmp_path / "c"
    shutil.copytree(sent_once, folder)
    return folder, {"S1", "S2", "S3", "S4", "S5"}


@pytest.fixture(scope="module")
def sent_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The campaign of :func:`sent_campaign`, printed and scanned."""
    folder = write_campaign(
        tmp_path_factory.mktemp("sent") / "c",
        [_prisoner_row(n) for n in range(1, 9)] + [_prisoner_row(9, status="released")],
    )
    result = run("-c", folder, "cards", "-o", folder / "cards.pdf")
    assert result.exit_code == 0, result.stderr
    code_of = {
        row["sender_id"]: row["code"] for row in read_manifest(folder / "cards.manifest.csv")
    }
    with Ledger.open(folder / "tracking.db") as ledger:
        for sender in ("S1", "S2", "S3", "S4", "S5", "S6"):
            ledger.record_event(code_of[sender], "sent", by="test")
        ledger.record_event(code_of["S2"], "returned", by="test")
        ledger.record_event(code_of["S3"], "reply", by="test")
        ledger.record_event(code_of["S6"], "void", by="test")
    return folder


@pytest.fixture(scope="module")
def fonts():
    return load_design("solidarity").fonts


def context(fonts, language: str = "en", url: str = URL) -> PosterContext:
    campaign = {"name": "Poster test", "hashtag": "#PosterTest", "url": url}
    texts = PosterTexts(bundled("templates") / "posters", language, campaign)
    return PosterContext(fonts, texts, "#PosterTest", url, "Poster test", language, TODAY)


# The godparents poster -------------------------------------------------------------------
def test_godparents_poster_counts_senders_with_a_card_sent(sent_campaign) -> None:
    folder, counted = sent_campaign
    out = folder / "godparents.pdf"
    result = run("-c", folder, "poster", "--kind", "godparents", "--size", "A4", "-o", out)
    assert result.exit_code == 0, result.stderr
    text = " ".join(page_texts(out))
    assert f"{len(counted)} politicians have taken over a godparenthood so far" in text
    for sender_id, name, _ in SENDERS:
        assert text.count(name) == (sender_id in counted), name
    for parliament in {p for s, _, p in SENDERS if s in counted}:
        assert parliament in text
    assert "Last updated" in text
    assert decode_qr(out, 0) == [URL]


def test_godparents_poster_counts_senders_assigned_in_this_wave(sent_campaign) -> None:
    folder, _ = sent_campaign
    out = folder / "assigned.pdf"
    result = run(
        "-c", folder, "poster", "--count", "assigned", "--language", "de", "--size", "A4", "-o", out
    )
    assert result.exit_code == 0, result.stderr
    text = " ".join(page_texts(out))
    assert "8 Politikerinnen und Politiker haben bisher eine Patenschaft übernommen" in text
    assert all(text.count(name) == 1 for _, name, _ in SENDERS[:8])
    assert "Henrik Lindqvist" not in text  # nine senders, eight prisoners in custody


def test_a_sender_without_parliament_is_listed_under_other_and_reported(tmp_path) -> None:
    folder = write_campaign(tmp_path / "c", [_prisoner_row(n) for n in range(1, 10)])
    out = tmp_path / "p.pdf"
    result = run("-c", folder, "poster", "--count", "assigned", "--size", "A4", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert (
        "senders.csv:10: parliament: warning: no parliament for Henrik Lindqvist" in result.stderr
    )
    text = " ".join(page_texts(out))
    assert text.index("Other") < text.index("Henrik Lindqvist")
    assert "9 politicians" in text


@pytest.mark.parametrize("kind", ["godparents", "share"])
def test_a_count_of_0_is_an_error_that_suggests_count_assigned(tmp_path: Path, kind) -> None:
    folder = write_campaign(tmp_path / "c", [_prisoner_row(1)])
    out = tmp_path / "p.png"
    result = run("-c", folder, "poster", "--kind", kind, "-o", out)
    assert result.exit_code == 1
    assert "--count: no sender has a card sent yet" in result.stderr
    assert "use --count assigned" in result.stderr
    assert not list(tmp_path.glob("p*.png"))
    result = run("-c", folder, "poster", "--kind", kind, "--count", "assigned", "-o", out)
    assert result.exit_code == 0, result.stderr


# Fitting: 600 names, 1,500 tiles ---------------------------------------------------------
def _chars(pdf: Path) -> list[list[dict]]:
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        return [
            [
                {k: c[k] for k in ("text", "x0", "x1", "top", "bottom")}
                | {"width": float(page.width), "height": float(page.height)}
                for c in page.chars
            ]
            for page in document.pages
        ]


def assert_inside_and_apart(pages: list[list[dict]]) -> None:
    """No character box outside its page, none overlapping another (0.01 pt tolerance)."""
    eps = 0.01
    for number, chars in enumerate(pages, 1):
        boxes = [c for c in chars if c["text"].strip()]
        for c in boxes:
            assert c["x0"] >= -eps and c["x1"] <= c["width"] + eps, (number, c)
            assert c["top"] >= -eps and c["bottom"] <= c["height"] + eps, (number, c)
        buckets: dict[tuple[int, int], list[dict]] = {}
        for c in boxes:
            for bx, by in itertools.product(
                range(int(c["x0"] // 20), int(c["x1"] // 20) + 1),
                range(int(c["top"] // 20), int(c["bottom"] // 20) + 1),
            ):
                buckets.setdefault((bx, by), []).append(c)
        for group in buckets.values():
            for a, b in itertools.combinations(group, 2):
                apart = (
                    a["x1"] <= b["x0"] + eps
                    or b["x1"] <= a["x0"] + eps
                    or a["bottom"] <= b["top"] + eps
                    or b["bottom"] <= a["top"] + eps
                )
                assert apart, f"page {number}: {a} overlaps {b}"


def _names(count: int) -> list[str]:
    first = [
        "Łukasz",
        "Jūratė",
        "Björn",
        "Éamonn",
        "Agnieszka",
        "Dörte",
        "Kęstutis",
        "Anne",
        "Henrik",
        "Giulia",
        "Tomáš",
        "Małgorzata",
        "Zdeňka",
        "Síle",
        "Mikołaj",
        "Rūta",
        "Ondřej",
        "Ugnė",
        "Jürgen",
        "Halina",
        "Éloïse",
        "Dovilė",
        "Sönke",
        "Úna",
    ]
    last = [
        "Wiśniewski",
        "Kazlauskienė",
        "Süßmann",
        "Ó Ríordáin",
        "Źródłowska",
        "Großmüller",
        "Ąžuolaitis",
        "O'Neill",
        "Lindqvist",
        "Ferraresi",
        "Dvořáček",
        "Żurawska",
        "Koťátková",
        "Ní Bhraonáin",
        "Ćwierdziński",
        "Žilvinskienė",
        "Marchetti-Roux",
        "Vermeulen",
        "Weißhaupt",
        "Świątek-Sęk",
        "Bučiūnaitė",
        "Straßburger",
        "Kůrka",
        "Ní Chatháin",
        "von Hohenberg-Lindenau",
    ]
    names = [
        f"{f} {m} {last_name}"
        for f, last_name, m in itertools.product(first, last, ["A.", "B.", "C."])
    ]
    random.Random(6).shuffle(names)
    return names[:count]


def test_600_names_in_24_parliaments_fit_their_poster(tmp_path: Path, fonts) -> None:
    names = _names(600)
    groups = [
        Group(f"Parliament of Region {i + 1:02d}", tuple(sorted(names[i::24]))) for i in range(24)
    ]
    size = poster_size("A3")
    poster = plan_godparents(size, groups, 600, context(fonts))
    out = tmp_path / "names.pdf"
    PosterRenderer(fonts, load_design("solidarity").colours).render(poster, out)

    pages = _chars(out)
    assert_inside_and_apart(pages)
    assert len(pages) <= 3
    text = " ".join(page_texts(out))
    assert all(text.count(name) == 1 for name in names)
    assert all(text.count(g.heading) >= 1 for g in groups)
    second = page_texts(out)[1]
    body_start = second.index("political prisoners")  # after the header, before the names
    assert "(continued)" in second[body_start:][:200]  # the group going on is headed again
    qr = poster.pages[0].qr
    footer_top = qr.y_mm + qr.size_mm
    footer = {"Last updated 14 March 2026", "Join us:", URL}
    for page in poster.pages:  # nothing but the footer itself below the footer's top
        assert {line.text for line in page.lines if line.baseline_mm < footer_top} == footer
    names_drawn = [
        line
        for page in poster.pages
        for line in page.lines
        if line.style == "regular" and line.colour == "ink" and line.text not in footer
    ]
    assert min(line.size for line in names_drawn) >= round(6 * size.reading_scale, 1)
    listed, seen = set(names), 0
    for page in poster.pages:  # every column begins with its parliament, never a bare name
        columns: dict[float, list] = {}
        for line in page.lines:
            if line.text in listed or line.text.startswith("Parliament of Region"):
                columns.setdefault(round(line.x_mm, 1), []).append(line)
        seen += len(columns)
        for lines in columns.values():
            top = max(lines, key=lambda line: line.baseline_mm)
            assert top.text.startswith("Parliament of Region"), top.text
    assert seen > len(poster.pages)  # more columns than pages: the check had columns to see


def test_a_short_list_stays_on_one_page_in_large_type(fonts) -> None:
    groups = [Group("Seimas", ("Jūratė Kazlauskienė", "Kęstutis Ąžuolaitis"))]
    size = poster_size("A3")
    poster = plan_godparents(size, groups, 2, context(fonts))
    assert len(poster.pages) == 1
    names = [
        line
        for line in poster.pages[0].lines
        if line.text in ("Jūratė Kazlauskienė", "Kęstutis Ąžuolaitis")
    ]
    assert len(names) == 2
    assert {line.size for line in names} == {16 * size.scale}


def _prisoners(count: int) -> list[Prisoner]:
    names = _names(count)
    return [
        Prisoner(
            id=f"P{i:04d}",
            name=name,
            row=i + 2,
            name_latin=name,
            birth_year=str(1950 + i % 50),
            institution="ИК № 9",
            city="г. Горки",
        )
        for i, name in enumerate(names)
    ]


def test_a_wall_of_1500_tiles_fits_its_pages(tmp_path: Path, fonts) -> None:
    prisoners = _prisoners(1500)
    poster = plan_wall(poster_size("A1"), prisoners, {}, context(fonts))
    out = tmp_path / "wall.pdf"
    PosterRenderer(fonts, load_design("solidarity").colours).render(poster, out)
    assert poster.count == 1500
    assert sum(len(page.tiles) for page in poster.pages) == 1500
    assert_inside_and_apart(_chars(out))
    text = " ".join(page_texts(out))
    assert "At least 1500 political prisoners" in text
    qr = poster.pages[0].qr
    footer_top = qr.y_mm + qr.size_mm
    for page in poster.pages:  # tiles and their names stay clear of the footer
        assert min(tile.photo_box.y_mm for tile in page.tiles) > footer_top
        assert all(
            line.baseline_mm > footer_top
            for line in page.lines
            if line.colour == "ink" and line.size < 10
        )


def test_a_grid_uses_the_biggest_tiles_that_fit_then_more_pages() -> None:
    from postcards.page.geometry import Box

    body = Box(0, 0, 200, 280)
    assert fit_grid(4, body, 1.0, 0, 10).columns == 2
    many = fit_grid(10_000, body, 1.0, 0, 10)
    assert (many.columns, many.tile_w_mm) == (20, 10)
    with pytest.raises(LayoutError):
        fit_grid(3, Box(0, 0, 5, 5), 1.0, 0, 10)


# Images: PNG, JPG and share sizes -------------------------------------------------------
def test_png_and_jpg_posters_have_the_pixel_size_asked_for(sent_campaign) -> None:
    from PIL import Image

    folder, _ = sent_campaign
    png, jpg = folder / "p.png", folder / "p.jpg"
    assert run("-c", folder, "poster", "--size", "A4", "--dpi", "60", "-o", png).exit_code == 0
    result = run(
        "-c",
        folder,
        "poster",
        "--kind",
        "wall",
        "--size",
        "A3",
        "--landscape",
        "--dpi",
        "40",
        "-o",
        jpg,
    )
    assert result.exit_code == 0, result.stderr
    with Image.open(png) as image:
        assert (image.format, image.size) == (
            "PNG",
            (round(210 / 25.4 * 60), round(297 / 25.4 * 60)),
        )
    with Image.open(jpg) as image:
        assert (image.format, image.size) == (
            "JPEG",
            (round(420 / 25.4 * 40), round(297 / 25.4 * 40)),
        )
    assert not list(folder.glob("*.part"))


def test_share_images_are_exactly_the_social_sizes(sent_campaign) -> None:
    from PIL import Image

    folder, counted = sent_campaign
    result = run("-c", folder, "poster", "--kind", "share", "-o", folder / "share.png")
    assert result.exit_code == 0, result.stderr
    for width, height in ((1080, 1080), (1080, 1350), (1200, 675)):
        with Image.open(folder / f"share-{width}x{height}.png") as image:
            assert image.size == (width, height)
    one = folder / "one.jpg"
    assert (
        run("-c", folder, "poster", "--kind", "share", "--size", "1200x675", "-o", one).exit_code
        == 0
    )
    with Image.open(one) as image:
        assert image.size == (1200, 675)
    pdf = folder / "share.pdf"
    assert run("-c", folder, "poster", "--kind", "share", "-o", pdf).exit_code == 0
    texts = page_texts(pdf)
    assert len(texts) == 3
    assert all("#PosterTest" in t and f"{len(counted)} politicians stand" in t for t in texts)


def test_a_multi_page_poster_as_png_writes_numbered_pages(sent_campaign) -> None:
    folder, _ = sent_campaign
    out = folder / "prisoners.png"
    result = run(
        "-c", folder, "poster", "--kind", "prisoner", "--size", "A4", "--dpi", "36", "-o", out
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in folder.glob("prisoners-*.png")) == [
        f"prisoners-{i}.png" for i in range(1, 9)
    ]


def test_wrong_extension_size_and_language_are_refused(sent_campaign) -> None:
    folder, _ = sent_campaign
    assert run("-c", folder, "poster", "-o", folder / "p.gif").exit_code == 2
    result = run("-c", folder, "poster", "--size", "B5", "-o", folder / "p.pdf")
    assert result.exit_code == 1 and "unknown poster size 'B5'" in result.stderr
    result = run("-c", folder, "poster", "--language", "xx", "-o", folder / "p.pdf")
    assert result.exit_code == 1 and "no poster texts for language 'xx'" in result.stderr
    result = run("-c", folder, "poster", "--size", "A0", "--dpi", "600", "-o", folder / "p.png")
    assert result.exit_code == 1 and "choose a lower --dpi" in result.stderr
    assert not list(folder.glob("p.*"))


# The prisoner page and photos ------------------------------------------------------------
def test_prisoner_pages_show_sentence_and_the_cards_address_block(sent_campaign) -> None:
    folder, _ = sent_campaign
    out = folder / "prisoners.pdf"
    result = run(
        "-c", folder, "poster", "--kind", "prisoner", "--language", "ru", "--size", "A4", "-o", out
    )
    assert result.exit_code == 0, result.stderr
    texts = page_texts(out)
    assert len(texts) == 8  # the released prisoner gets no page
    first = texts[0]
    for part in (
        "Иванов Сергей 1",
        "Срок: 3 года",
        "Как написать",
        "ИК № 9",
        "213410, г. Горки",
        "REPUBLIC OF BELARUS",
        "1961 г. р.",
    ):
        assert part in first, part
    assert_inside_and_apart(_chars(out)[:1])


def test_a_photo_outside_the_campaign_folder_is_refused(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (40, 40), "red").save(tmp_path / "outside.jpg")
    folder = write_campaign(
        tmp_path / "c",
        [_prisoner_row(1, "../outside.jpg"), _prisoner_row(2, str(tmp_path / "outside.jpg"))],
    )
    out = tmp_path / "wall.pdf"
    result = run("-c", folder, "poster", "--kind", "wall", "-o", out)
    assert result.exit_code == 1
    assert (
        "prisoners.csv:2: photo: photo '../outside.jpg' is outside the campaign folder"
        in result.stderr
    )
    assert "prisoners.csv:3: photo: photo '/" in result.stderr
    assert "copy the photo into the campaign folder" in result.stderr
    assert not out.exists()


def test_missing_and_unreadable_photos_print_initials_and_are_reported(tmp_path) -> None:
    from PIL import Image

    folder = write_campaign(
        tmp_path / "c",
        [
            _prisoner_row(1, "photos/p1.jpg"),
            _prisoner_row(2, "photos/none.jpg"),
            _prisoner_row(3, "photos/broken.jpg"),
            _prisoner_row(4, "photos/bomb.png"),
        ],
    )
    (folder / "photos").mkdir()
    Image.new("RGB", (6000, 4000), (30, 90, 160)).save(folder / "photos" / "p1.jpg", quality=70)
    (folder / "photos" / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    Image.new("1", (12000, 11000)).save(folder / "photos" / "bomb.png")  # 16 kB, 132 Mpx
    out = tmp_path / "wall.pdf"
    result = run("-c", folder, "poster", "--kind", "wall", "--size", "A4", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "prisoners.csv:3: photo: warning: photo 'photos/none.jpg' not found" in result.stderr
    assert (
        "prisoners.csv:4: photo: warning: photo 'photos/broken.jpg' cannot be read" in result.stderr
    )
    assert (
        "prisoners.csv:5: photo: warning: photo 'photos/bomb.png' is 12000 × 11000 pixels, "
        "more than 120 megapixels" in result.stderr
    )
    text = page_texts(out)[0]
    assert text.count("IS") == 3  # Ivanov Sergei: initials for those without a usable photo
    import pdfplumber

    with pdfplumber.open(out) as pdf:
        images = pdf.pages[0].images
    assert len(images) == 1  # the 6000 × 4000 photo, scaled down for print
    assert max(images[0]["srcsize"]) <= 1000


def test_load_scaled_decodes_a_huge_jpeg_at_a_fraction(tmp_path: Path) -> None:
    from PIL import Image

    from postcards.inputs.photos import load_scaled

    path = tmp_path / "big.jpg"
    Image.new("RGB", (6000, 4000), "white").save(path, quality=50)
    image = load_scaled(path, 300, 300)
    assert image.size == (300, 300)


# Texts ------------------------------------------------------------------------------------
@pytest.mark.parametrize("language", POSTER_LANGUAGES)
def test_every_language_has_every_poster_text(language: str) -> None:
    texts = PosterTexts(
        bundled("templates") / "posters", language, {"name": "N", "hashtag": "#H", "url": URL}
    )
    for count in (1, 3, 5, 22, 111):
        for block in ("count", "wall_count", "share_count"):
            assert str(count) in texts(block, count=count)
        assert texts("age", age=count)
    assert "2026" in texts("updated", updated=TODAY)
    for block in ("headline", "join", "other", "wall_headline", "write_text"):
        assert texts(block)
    assert "Anna" in texts("write_heading", name="Anna")
    assert "3 года" in texts("sentence", sentence="3 года")


def test_plural_forms_follow_each_languages_rules() -> None:
    ru = PosterTexts(bundled("templates") / "posters", "ru", {"name": "", "hashtag": "", "url": ""})
    assert ru("count", count=21).startswith("21 политик уже взял")
    assert ru("count", count=3).startswith("3 политика")
    assert ru("count", count=11).startswith("11 политиков")
    assert [plural_index("pl", n) for n in (1, 2, 5, 22, 25)] == [0, 1, 2, 1, 2]
    assert [plural_index("lt", n) for n in (1, 2, 10, 11, 21)] == [0, 1, 2, 2, 0]
    assert [plural_index("fr", n) for n in (0, 1, 2)] == [0, 0, 1]


def test_poster_sizes_and_landscape() -> None:
    a3 = poster_size("a3", landscape=True)
    assert (a3.width_mm, a3.height_mm) == (420, 297)
    assert poster_size("Tabloid").width_mm == pytest.approx(279.4)
    with pytest.raises(LayoutError, match="A4, A3, A2, A1, A0, Letter, Tabloid"):
        poster_size("B5")


def test_prisoner_pages_fit_every_size_and_orientation(tmp_path: Path, fonts) -> None:
    from postcards.posters.plans import PAPER_MM
    from postcards.posters.portraits import plan_prisoners

    long_name = Prisoner(
        id="P3",
        name="Ковалёва Мария Андреевна",
        row=4,
        name_latin="Kovalyova Mariya",
        birth_year="1990",
        sentence="3 года 6 месяцев",
        postcode="246035",
        city="г. Гомель",
        institution="Государственное учреждение «Исправительная колония № 4 управления "
        "Департамента исполнения наказаний Министерства внутренних дел Республики Беларусь "
        "по Гомельской области»",
        address=("ул. Антошкина, 3",),
        region="Гомельская обл.",
    )
    renderer = PosterRenderer(fonts, load_design("solidarity").colours)
    for name, landscape in itertools.product(PAPER_MM, (False, True)):
        size = poster_size(name, landscape)
        poster = plan_prisoners(size, [long_name], {}, context(fonts, "ru"))
        page = poster.pages[0]
        footer_top = page.qr.y_mm + page.qr.size_mm
        frame = page.fills[0].box
        assert frame.y_mm > footer_top and frame.top_mm < page.height_mm, (name, landscape)
        out = tmp_path / f"{name}-{landscape}.pdf"
        renderer.render(poster, out)
        assert_inside_and_apart(_chars(out))


def test_the_same_inputs_give_the_same_poster_bytes(sent_campaign) -> None:
    folder, _ = sent_campaign
    first, second = folder / "a.pdf", folder / "b.pdf"
    for out in (first, second):
        assert run("-c", folder, "poster", "--kind", "wall", "-o", out).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_a_name_no_font_can_print_stops_the_poster(tmp_path: Path) -> None:
    folder = write_campaign(tmp_path / "c", [_prisoner_row(n) for n in range(1, 10)])
    rows = (folder / "senders.csv").read_text(encoding="utf-8").replace("Henrik", "漢Henrik")
    (folder / "senders.csv").write_text(rows, encoding="utf-8")
    out = tmp_path / "p.pdf"
    result = run("-c", folder, "poster", "--count", "assigned", "-o", out)
    assert result.exit_code == 1
    assert "senders.csv:10: name: no bundled font has the character '漢'" in result.stderr
    assert not out.exists()


def test_a_plan_reads_as_json(fonts) -> None:
    import json

    poster = plan_godparents(
        poster_size("A4"), [Group("Seimas", ("Rūta Žilvinskienė",))], 1, context(fonts)
    )
    data = json.loads(poster.to_json())
    assert data["kind"] == "godparents" and data["count"] == 1
    texts = [line["text"] for line in data["pages"][0]["lines"]]
    assert "Rūta Žilvinskienė" in texts and "Seimas" in texts


def _slot(line) -> tuple[float, float, float, float]:
    """A line's box in mm: its width, and its share of the leading around the baseline."""
    from postcards.page.geometry import POINTS_PER_MM

    top = line.baseline_mm + 0.93 * line.size / POINTS_PER_MM
    return line.x_mm, line.x_mm + line.width_mm, top - 1.22 * line.size / POINTS_PER_MM, top


def test_columns_keep_any_names_inside_the_body_and_apart(fonts) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from postcards.page.geometry import Box
    from postcards.posters.columns import ColumnStyle, fit_columns

    word = st.text(
        alphabet="aąbcčdeęėfghiįjklłmnoóprsštuųūvwyzžÄÖÜßÉÍÓÚ-'", min_size=1, max_size=14
    )
    name = st.lists(word, min_size=1, max_size=4).map(" ".join)
    groups = st.lists(
        st.tuples(name, st.lists(name, min_size=1, max_size=30)), min_size=1, max_size=8
    )
    body = Box(10, 40, 190, 150)

    @settings(max_examples=40, deadline=None)
    @given(groups=groups)
    def check(groups) -> None:
        style = ColumnStyle(max_size=14, min_size=7, gap_mm=5, min_column_mm=30)
        pages = fit_columns([Group(h, tuple(n)) for h, n in groups], fonts, body, style)
        for lines in pages:
            slots = [_slot(line) for line in lines]
            for x0, x1, y0, y1 in slots:
                assert body.x_mm - 1e-6 <= x0 and x1 <= body.right_mm + 1e-6
                assert body.y_mm - 1e-6 <= y0 and y1 <= body.top_mm + 1e-6
            for a, b in itertools.combinations(slots, 2):
                assert (
                    a[1] <= b[0] + 1e-6
                    or b[1] <= a[0] + 1e-6
                    or a[3] <= b[2] + 1e-6
                    or b[3] <= a[2] + 1e-6
                )
        drawn = " ".join(line.text for lines in pages for line in lines)
        assert all(part in drawn for h, names in groups for part in h.split() + names[:1])

    check()


# Readable posters ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Sentence: 3 years"), ("de", "Strafe: 3 Jahre"), ("fr", "Peine : 3 ans"),
     ("pl", "Wyrok: 3 lata"), ("lt", "Bausmė: 3 metai")],
)  # fmt: skip
def test_the_prisoner_page_reads_in_the_posters_language(tmp_path, language, expected) -> None:
    folder = write_campaign(tmp_path / "c", [_prisoner_row(1)])
    out = tmp_path / "p.pdf"
    args = ("poster", "--kind", "prisoner", "--size", "A4", "--language", language, "-o", out)
    result = run("-c", folder, *args)
    assert result.exit_code == 0, result.stderr
    text = page_texts(out)[0]
    address = text.index("Иванов Сергей 1")  # the cards' address block, copied as it is
    assert expected in text
    assert not [c for c in text[:address] if "\u0400" <= c <= "\u04ff"], text[:address]


def test_a_term_the_poster_cannot_read_is_shown_as_given(fonts) -> None:
    from postcards.posters.portraits import _details

    ctx = context(fonts, "de")
    prisoner = Prisoner(id="P1", name="N", row=2, sentence="пожизненно", birth_year="")
    assert _details(prisoner, ctx) == "Strafe: пожизненно"
    prisoner = Prisoner(id="P1", name="N", row=2, sentence="1 год 6 месяцев", birth_year="")
    assert _details(prisoner, ctx) == "Strafe: 1 Jahr 6 Monate"


@pytest.mark.parametrize("kind", ["godparents", "wall", "prisoner", "share"])
def test_poster_pdfs_embed_every_font_they_use(sent_campaign, kind) -> None:
    from pypdf import PdfReader

    folder, _ = sent_campaign
    out = folder / f"{kind}.pdf"
    result = run("-c", folder, "poster", "--kind", kind, "--size",
                 "1200x675" if kind == "share" else "A4", "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    for page in PdfReader(out).pages:
        for name, ref in page["/Resources"]["/Font"].items():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            font = descendants[0].get_object() if descendants else font
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None, f"{name} {font.get('/BaseFont')} is not embedded"
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()), name


def test_the_wide_share_image_keeps_the_whole_motif(sent_campaign) -> None:
    import pdfplumber

    folder, _ = sent_campaign
    out = folder / "share.pdf"
    assert run("-c", folder, "poster", "--kind", "share", "-o", out).exit_code == 0
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            [image] = page.images
            width, height = image["x1"] - image["x0"], image["bottom"] - image["top"]
            assert image["x0"] >= -0.01 and image["x1"] <= page.width + 0.01, page.width
            assert image["top"] >= -0.01 and image["bottom"] <= page.height + 0.01
            assert width / height == pytest.approx(2700 / 1950, rel=0.01)
            if page.width == 1200:  # the motif takes the left half, the text the right
                assert image["x1"] <= 600.01


def _segments(pages, body) -> list[tuple[str, int]]:
    """Each heading as drawn (new or continued) and how many names stand under it in its
    column; a name starts at the column's left edge, its wrapped lines are indented."""
    segments: list[tuple[str, int]] = []
    for lines in pages:
        columns = sorted({round(line.x_mm, 3) for line in lines if line.style == "bold"})
        for line in lines:
            if line.style == "bold":
                segments.append((line.text, 0))
            elif round(line.x_mm, 3) in columns:
                segments[-1] = (segments[-1][0], segments[-1][1] + 1)
    return segments


def test_no_name_stands_alone_under_a_heading_at_a_column_break(fonts) -> None:
    from postcards.page.geometry import Box
    from postcards.posters.columns import ColumnStyle, fit_columns

    sizes = (1, 2, 3, 4, 5, 7, 2, 6, 3)
    groups = [Group(f"Parliament {g}", tuple(f"Name {g}-{n}" for n in range(k)),
                    f"Parliament {g} (continued)") for g, k in enumerate(sizes)]  # fmt: skip
    style = ColumnStyle(max_size=10, min_size=10, gap_mm=5, min_column_mm=60)
    breaks = 0
    for height in range(20, 90, 2):
        body = Box(10, 10, 130, height)
        segments = _segments(fit_columns(groups, fonts, body, style), body)
        breaks += sum("continued" in heading for heading, _ in segments)
        for heading, count in segments:
            group = sizes[int(heading.split()[1])]
            assert count >= min(2, group), (height, heading, segments)
    assert breaks > 10  # the heights did break groups across columns


def test_a_wrapped_name_is_indented_so_it_reads_as_one_person(fonts) -> None:
    from postcards.page.geometry import Box
    from postcards.posters.columns import ColumnStyle, fit_columns

    long = "Maria Anna Katharina Elisabeth von Hohenzollern-Sigmaringen"
    style = ColumnStyle(max_size=10, min_size=10, gap_mm=5, min_column_mm=40)
    [lines] = fit_columns([Group("Bundestag", (long, "Jan Nowak"))], fonts,
                          Box(10, 10, 50, 200), style)  # fmt: skip
    names = [line for line in lines if line.style == "regular"]
    assert len(names) >= 3  # the long name took at least two lines
    assert " ".join(line.text for line in names[:-1]) == long
    left = names[0].x_mm
    assert all(line.x_mm > left + 2 for line in names[1:-1])  # about one em further in
    assert names[-1].text == "Jan Nowak" and names[-1].x_mm == left
    assert all(line.x_mm + line.width_mm <= 60 + 1e-6 for line in names)
