"""The card codes' own QR encoder: the very symbol zxing-cpp makes, module for module."""

from __future__ import annotations

import random

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from postcards.codes import new_code
from postcards.page.small_qr import small_symbol

ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def zxing_rows(payload: str) -> tuple[int, ...]:
    """zxing-cpp's symbol for the payload at level M, as rows of bits (1: dark)."""
    image = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    pixels = image.to_image(scale=1, add_quiet_zones=False)
    size, data = pixels.shape[0], bytes(pixels)
    return tuple(sum(1 << c for c in range(size) if data[r * size + c] == 0) for r in range(size))


def test_every_code_is_the_symbol_zxing_makes() -> None:
    """3,000 codes as the print runs draw them (a fixed seed: the same codes every run)."""
    rng = random.Random(25)
    codes = [new_code(rng) for _ in range(3000)]
    ours = [(code, small_symbol(code)) for code in codes]
    encoded = [(code, rows) for code, rows in ours if rows is not None]
    assert len(encoded) > 2950  # a code with six digits in a row goes to zxing-cpp
    assert [code for code, rows in encoded if rows != zxing_rows(code)] == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHANUMERIC, min_size=1, max_size=20))
def test_any_short_alphanumeric_payload_is_zxings_symbol_or_left_to_it(payload: str) -> None:
    rows = small_symbol(payload)
    if rows is None:  # digits alone, or six in a row: zxing-cpp may use numeric mode
        assert payload.isdigit() or any(
            payload[i : i + 6].isdigit() for i in range(len(payload) - 5)
        )
    else:
        assert rows == zxing_rows(payload)


@pytest.mark.parametrize(
    "payload",
    [
        "https://example.org/c/K7M2QX9DR",
        "k7m2qx9dr",
        "K123456XY",
        "12345",
        "A" * 21,
        "",
        "Ж7M2QX9DR",
    ],  # fmt: skip
)
def test_other_payloads_are_left_to_zxing(payload: str) -> None:
    assert small_symbol(payload) is None


def test_the_symbol_reads_back_as_its_code() -> None:
    code = "K7M2QX9DR"
    rows = small_symbol(code)
    assert rows is not None and len(rows) == 21
    scale, quiet = 8, 4
    side = (21 + 2 * quiet) * scale
    image = Image.new("L", (side, side), 255)
    for r, bits in enumerate(rows):
        for c in range(21):
            if bits >> c & 1:
                x, y = (quiet + c) * scale, (quiet + r) * scale
                image.paste(0, (x, y, x + scale, y + scale))
    found = zxingcpp.read_barcodes(image)
    assert [barcode.text for barcode in found] == [code]
