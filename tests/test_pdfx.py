"""Press-ready files: black on the black plate, and ``cards --icc`` writing PDF/X-4.

What a print shop would notice is checked through independent readers: the structure with
pypdf (``tests/pdfx.py``) and qpdf, the plates with Ghostscript (a CMYK rendering: black
text must be on the black plate alone), the picture with poppler, the colours with
littleCMS (the design's colours as printed against their sRGB values, in ΔE).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run
from pdfx import pdfx_problems, rgb_greys
from pypdf import PdfReader

import postcards
from postcards.campaign_file import load_campaign
from postcards.cards.design import load_design
from postcards.page.colour import OutputProfile, cap_ink
from postcards.page.geometry import Page, parse_size
from postcards.page.pdfx import FALLBACK_DATE, print_date
from postcards.printing import chunks
from postcards.printing.faces import CardRenderer, hex_colour

sys.path.insert(0, str(ROOT / "bench"))
from cards import write_campaign  # noqa: E402  (bench/cards.py: fictional rows)

#: Ghostscript's CMYK profile (SWOP, AGPL: used by the tests, never bundled).
PROFILES = sorted(glob.glob("/usr/share/ghostscript/*/iccprofiles/default_cmyk.icc"))
EPOCH = "1767225600"  # 2026-01-01 00:00 UTC


def _required(what: str, found: object, install: str) -> None:
    if not found:
        if os.environ.get("POSTCARDS_REQUIRE_GHOSTSCRIPT"):
            pytest.fail(f"{what} is required here (POSTCARDS_REQUIRE_GHOSTSCRIPT) but missing")
        pytest.skip(f"{what} is missing ({install})")


@pytest.fixture
def icc() -> Path:
    """A CMYK output profile: Ghostscript's."""
    _required("ghostscript's default_cmyk.icc", PROFILES, "apt-get install -y ghostscript")
    return Path(PROFILES[-1])


def cards(campaign: Path, *args: str | Path) -> Path:
    """``postcards cards ARGS`` on the campaign; the first file written."""
    out = campaign / "out.pdf"
    result = run("-c", campaign, "cards", "-o", out, *args)
    assert result.exit_code == 0, result.stdout + result.stderr
    return out


# Black is black -------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["single", "a4-2up", "signing", "calibration", "poster"])
def test_no_output_writes_a_grey_as_rgb(campaign: Path, kind: str) -> None:
    """Black and grey text, rules, the stamp box and QR codes: ``g``/``G``, never ``0 0 0 rg``."""
    if kind in ("single", "a4-2up"):
        pdf = cards(campaign, "--layout", kind)
    elif kind == "signing":
        with open(campaign / "campaign.toml", "a", encoding="utf-8") as toml:
            toml.write('\n[qr]\nplacement = "sheet"\n')
        pdf = cards(campaign).with_suffix(".signing.pdf")
    elif kind == "calibration":
        pdf = campaign / "calibrate.pdf"
        assert run("-c", campaign, "calibrate", "-o", pdf).exit_code == 0
    else:
        cards(campaign)
        pdf = campaign / "poster.pdf"
        done = run("-c", campaign, "poster", "--count", "assigned", "-o", pdf)
        assert done.exit_code == 0, done.stdout + done.stderr
    assert pdf.is_file()
    assert rgb_greys(pdf) == []


def test_black_prints_on_the_black_plate_alone(campaign: Path) -> None:
    """Ghostscript separates a card's back: every mark on it is K only, the QR 100 % K."""
    _required("gs", shutil.which("gs"), "apt-get install -y ghostscript")
    from PIL import Image

    pdf = cards(campaign)
    tiff = campaign / "back.tif"
    subprocess.run(
        ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiff32nc", "-r150",
         "-dFirstPage=2", "-dLastPage=2", f"-sOutputFile={tiff}", str(pdf)],
        check=True,
    )  # fmt: skip
    plates = Image.open(tiff).split()
    for name, plate in zip("CMY", plates[:3], strict=True):
        assert plate.getextrema() == (0, 0), f"the back prints on the {name} plate too"
    assert plates[3].getextrema()[1] == 255  # the QR code's modules: solid black


# PDF/X-4 ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("layout", "duplex"), [("single", None), ("a4-2up", "long-edge"), ("a4-2up", "separate")]
)
def test_icc_writes_pdfx4_that_qpdf_finds_sound(
    campaign: Path, icc: Path, layout: str, duplex: str | None
) -> None:
    args = ["--icc", icc, "--layout", layout] + (["--duplex", duplex] if duplex else [])
    out = cards(campaign, *args)
    files = [out] if duplex != "separate" else [
        out.with_suffix(".fronts.pdf"), out.with_suffix(".backs.pdf")
    ]  # fmt: skip
    for pdf in files:
        assert pdfx_problems(pdf) == [], pdf.name
        assert rgb_greys(pdf) == []
        if shutil.which("qpdf"):
            check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
            assert check.returncode == 0, check.stdout + check.stderr
    ticket = " ".join(PdfReader(out.with_suffix(".ticket.pdf")).pages[0].extract_text().split())
    assert f"CMYK, PDF/X-4 for {OutputProfile.load(icc, 'icc').description} ({icc.name})" in ticket


def test_the_checker_sees_what_a_plain_pdf_lacks(campaign: Path) -> None:
    """Without --icc the file is a plain PDF, and the checker says why it is no PDF/X."""
    problems = "\n".join(pdfx_problems(cards(campaign)))
    for expected in ("output intent", "GTS_PDFXVersion", "Trapped", "XMP", "DeviceRGB"):
        assert expected in problems


def test_a_card_rendered_from_the_pdfx_file_looks_as_the_plain_one(
    campaign: Path, icc: Path
) -> None:
    """Poppler: the motif is not inverted or lost in CMYK; black text pixels stay black."""
    _required("pdftoppm", shutil.which("pdftoppm"), "apt-get install -y poppler-utils")
    from PIL import Image, ImageChops, ImageStat

    plain = campaign / "plain.pdf"
    shutil.copy(cards(campaign), plain)
    press = cards(campaign, "--icc", icc)  # a reprint of the same cards, with the same codes
    images = {}
    for name, pdf in (("plain", plain), ("press", press)):
        prefix = campaign / name
        subprocess.run(["pdftoppm", "-r", "72", "-f", "1", "-l", "2", "-png", str(pdf),
                        str(prefix)], check=True)  # fmt: skip
        images[name] = [Image.open(f"{prefix}-{n}.png").convert("RGB") for n in (1, 2)]
    front = ImageStat.Stat(ImageChops.difference(images["plain"][0], images["press"][0]))
    assert max(front.mean) < 12, front.mean  # the same picture, through the press's gamut
    back = images["press"][1]
    assert back.convert("L").getextrema()[0] == 0  # the QR code as pure black, not a dark mix


def delta_e(profile: OutputProfile, rgb: tuple[float, ...], paint: tuple[float, ...]) -> float:
    """ΔE (CIE76) between an sRGB colour and the press's ink values, relative to paper white."""
    from PIL import Image, ImageCms

    lab = ImageCms.createProfile("LAB")
    intent = ImageCms.Intent.RELATIVE_COLORIMETRIC
    if len(paint) == 1:
        paint = (0, 0, 0, 1 - paint[0])
    press = ImageCms.buildTransform(profile._profile, lab, "CMYK", "LAB", intent)
    screen = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), lab, "RGB", "LAB", intent)

    def measured(transform, mode: str, values: tuple[float, ...]) -> tuple[float, ...]:
        pixel = Image.new(mode, (1, 1), tuple(round(v * 255) for v in values))
        out = Image.new("LAB", (1, 1))
        transform.transform.apply(pixel.getim(), out.getim())
        light, a, b = out.getpixel((0, 0))
        return (light * 100 / 255, a - 128, b - 128)

    printed, wanted = measured(press, "CMYK", paint), measured(screen, "RGB", rgb)
    return sum((p - w) ** 2 for p, w in zip(printed, wanted, strict=True)) ** 0.5


def test_design_colours_print_close_to_their_rgb(icc: Path, tmp_path: Path) -> None:
    """The headline's slate blue lands within 3 ΔE; the red accent, beyond the SWOP gamut,
    is the nearest the press can print, no worse than the naive conversion."""
    profile = OutputProfile.load(icc)
    design = load_design("solidarity", ROOT)
    renderer = CardRenderer(design, Page(parse_size("A6"), 3), "t", profile)
    headline = hex_colour(renderer.front.headline_colour)
    assert len(renderer.headline_colour) == 4
    assert delta_e(profile, headline, renderer.headline_colour) < 3
    accent = hex_colour(design.colours["accent"])
    converted = delta_e(profile, accent, renderer.colours["accent"])
    naive = tuple(1 - v for v in accent) + (0.0,)
    assert converted < min(15, delta_e(profile, accent, naive))
    assert renderer.colours["ink"] == (hex_colour(design.colours["ink"])[0],)  # grey: K only


def test_the_design_colours_written_are_the_converted_ones(campaign: Path, icc: Path) -> None:
    from pypdf import PdfReader

    pdf = cards(campaign, "--icc", icc)
    profile = OutputProfile.load(icc)
    design = load_design("solidarity", ROOT)
    wanted = profile.paint(hex_colour(design.front(parse_size("A6")).headline_colour))
    written = " ".join(f"{v:.4f}".rstrip("0").rstrip(".") for v in wanted) + " k"
    reader = PdfReader(pdf)
    streams = [x.get_object().get_data().decode("latin-1")
               for x in reader.pages[0]["/Resources"]["/XObject"].values()
               if x.get_object()["/Subtype"] == "/Form"]  # fmt: skip
    assert any(written in stream for stream in streams)


def test_reruns_are_byte_identical_and_dated_by_source_date_epoch(
    campaign: Path, icc: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first = cards(campaign, "--icc", icc).read_bytes()
    again = cards(campaign, "--icc", icc).read_bytes()  # a reprint: the same codes
    assert first == again
    info = PdfReader(campaign / "out.pdf").metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20260101000000+00'00'"


def test_without_source_date_epoch_the_date_is_the_waves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert print_date("2026-12").isoformat() == "2026-12-01T00:00:00+00:00"
    assert print_date("2026-W49").date().isoformat() == "2026-11-30"
    assert print_date("T1", "2026-11-30").date().isoformat() == "2026-11-30"
    assert print_date("T1") == FALLBACK_DATE
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert print_date("2026-12").isoformat() == "2026-01-01T00:00:00+00:00"


@pytest.mark.parametrize(("layout", "duplex"), [("single", None), ("a4-4up", "separate")])
def test_pdfx_is_the_same_whatever_the_number_of_workers(
    tmp_path: Path, icc: Path, monkeypatch: pytest.MonkeyPatch, layout: str, duplex: str | None
) -> None:
    """The profile reaches the workers (forked after the colours and images are converted)."""
    monkeypatch.setattr(chunks, "CHUNK_CARDS", 16)
    folder = tmp_path / "many"
    folder.mkdir()
    campaign = postcards.Campaign.load(write_campaign(folder, 60).parent)
    made = {}
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}" / "cards.pdf"
        result = campaign.cards(out, layout=layout, duplex=duplex, jobs=jobs, icc=icc)
        made[jobs] = [path.read_bytes() for path in result.files]
    assert made[1] == made[2]
    assert pdfx_problems(result.files[-1]) == []


def test_each_image_is_converted_once_per_run(
    campaign: Path, icc: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fronts and backs in two files share one conversion of the motif."""
    converted = []
    separate = OutputProfile._cap_image

    def counted(self: OutputProfile, image: object) -> object:
        converted.append(image)
        return separate(self, image)

    monkeypatch.setattr(OutputProfile, "_cap_image", counted)
    cards(campaign, "--icc", icc, "--layout", "a4-2up", "--duplex", "separate")
    assert len(converted) == 1


# The profile --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("srgb.icc", "a display (monitor) profile for RGB, not a printer's output profile"),
        ("sgray.icc", "a display (monitor) profile for GRAY, not a printer's output profile"),
        ("notes.icc", "is not an ICC colour profile"),
        ("missing.icc", "file not found"),
    ],
)
def test_a_profile_that_is_not_a_printers_cmyk_one_is_refused(
    campaign: Path, icc: Path, name: str, what: str
) -> None:
    folder = icc.parent
    if name in ("srgb.icc", "sgray.icc"):
        shutil.copy(folder / name, campaign / name)
    elif name == "notes.icc":
        (campaign / name).write_text("not a profile\n")
    result = run("-c", campaign, "cards", "--icc", campaign / name, "-o", campaign / "o.pdf")
    assert result.exit_code == 1
    assert f"{name}: --icc: " in result.stderr
    assert what in result.stderr
    assert "ask the print shop for its CMYK output profile" in result.stderr
    assert not (campaign / "o.pdf").exists()


def test_print_profile_is_relative_to_the_campaign_and_icc_wins(campaign: Path, icc: Path) -> None:
    (campaign / "shop").mkdir()
    shutil.copy(icc, campaign / "shop" / "press.icc")
    toml = campaign / "campaign.toml"
    toml.write_text(toml.read_text() + '\n[print]\nprofile = "shop/press.icc"\n')
    assert load_campaign(toml).print_profile == (campaign / "shop" / "press.icc").resolve()
    elsewhere = campaign.parent / "elsewhere"
    elsewhere.mkdir()
    done = run("-c", campaign, "cards", "-o", campaign / "a.pdf", cwd=elsewhere)
    assert done.exit_code == 0, done.stderr
    assert pdfx_problems(campaign / "a.pdf") == []
    (campaign / "shop" / "press.icc").write_text("gone bad\n")
    refused = run("-c", campaign, "check")
    assert refused.exit_code == 1
    assert "press.icc: [print] profile: is not an ICC colour profile" in refused.stdout
    assert cards(campaign, "--icc", icc).is_file()  # --icc wins over the broken setting


def test_total_ink_is_capped_by_moving_grey_to_black() -> None:
    capped = cap_ink((0.9, 0.9, 0.9, 0.9), 3.0)
    assert sum(capped) == pytest.approx(3.0)
    assert capped[3] == pytest.approx(1.0)  # black takes what it can first
    assert min(capped[:3]) == pytest.approx(2 / 3)
    assert cap_ink((0.2, 0.3, 0.4, 0.1), 3.0) == (0.2, 0.3, 0.4, 0.1)
    assert sum(cap_ink((1.0, 1.0, 1.0, 1.0), 2.8)) == pytest.approx(2.8)


def test_an_images_total_ink_is_capped_pixel_by_pixel(icc: Path, tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image

    profile = OutputProfile.load(icc)
    profile.max_ink = 2.4
    rich = Image.new("RGB", (4, 4), (0, 0, 0))
    cmyk = profile.separate(rich)
    assert np.asarray(cmyk, dtype=int).sum(axis=2).max() <= 2.4 * 255 + 2
