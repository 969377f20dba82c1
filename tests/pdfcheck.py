"""Checking PDFs through independent readers: the tests' shared tools.

- :func:`structure_problems` walks every content stream of a file (pages and the forms they
  place) with pypdf's parser: each ``q`` has its ``Q``, each ``BT`` its ``ET``, and every
  ``/Name Do`` and ``/Fn Tf`` names a resource that exists.
- :func:`qpdf_problems` runs ``qpdf --check``.
- :func:`strokes` reads the lines a page strokes, in page points, with their width
  (the current transform applied, forms followed), for marks, ticks and rules.
- :func:`render` draws a page with pdfium or poppler; :func:`differing_pixels` counts the
  pixels that differ by more than a tolerance, so one changed digit shows.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

RENDERERS = ("pdfium", "poppler")
#: A pixel differs when a channel moves by more than this (anti-aliasing moves less).
TOLERANCE = 48

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def multiply(inner: Matrix, outer: Matrix) -> Matrix:
    """``inner`` then ``outer`` (PDF's order: ``cm`` concatenates to the left)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    """A point under a matrix."""
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


@dataclass(frozen=True)
class Stroke:
    """A straight stroked segment on the page, in points, and its width on the page."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    colour: tuple[float, ...]

    @property
    def length(self) -> float:
        return math.hypot(self.x1 - self.x0, self.y1 - self.y0)


# --- walking content streams ------------------------------------------------------------
def _operations(obj, reader) -> list[tuple[list, bytes]]:
    from pypdf.generic import ContentStream

    return ContentStream(obj, reader).operations


def _resources(holder, inherited):
    """A page's or form's resource dictionary (a form without one takes its page's)."""
    found = holder.get("/Resources")
    return found.get_object() if found is not None else inherited


def _walk(stream, resources, reader, ctm: Matrix, visit, depth: int = 0) -> None:
    """Call ``visit(operator, operands, ctm, resources, stream)`` for every operator.

    Forms placed with ``Do`` are walked in turn, under their matrix.
    """
    stack: list[Matrix] = []
    for operands, operator in _operations(stream, reader):
        visit(operator, operands, ctm, resources, stream)
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q" and stack:
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
        elif operator == b"Do" and depth < 8:
            xobjects = resources.get("/XObject", {}) if resources else {}
            target = xobjects.get(operands[0])
            if target is not None and target.get_object().get("/Subtype") == "/Form":
                form = target.get_object()
                matrix = tuple(float(v) for v in form.get("/Matrix", IDENTITY))
                inner = multiply(matrix, ctm)  # type: ignore[arg-type]
                _walk(form, _resources(form, resources), reader, inner, visit, depth + 1)


def walk_pages(pdf: Path, visit, pages: list[int] | None = None) -> None:
    """Walk the content of the given pages (all by default), forms included."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    for index, page in enumerate(reader.pages):
        if pages is None or index in pages:
            contents = page.get_contents()
            if contents is not None:
                _walk(contents, _resources(page, None), reader, IDENTITY, visit)


def structure_problems(pdf: Path) -> list[str]:
    """Unbalanced ``q``/``Q`` or ``BT``/``ET``, and names that no resource has, per stream.

    Each content stream is checked on its own (a form's ``q`` must have its ``Q`` in the
    form); a form placed on several pages is checked every time it is placed.
    """
    from pypdf import PdfReader

    problems: list[str] = []
    reader = PdfReader(pdf)

    def check(stream, resources, where: str) -> None:
        depth, text = 0, 0
        for operands, operator in _operations(stream, reader):
            if operator == b"q":
                depth += 1
            elif operator == b"Q":
                depth -= 1
                if depth < 0:
                    problems.append(f"{where}: Q without its q")
                    depth = 0
            elif operator == b"BT":
                text += 1
            elif operator == b"ET":
                text -= 1
            elif operator in (b"Do", b"Tf"):
                kind = "/XObject" if operator == b"Do" else "/Font"
                have = (resources or {}).get(kind, {})
                if operands[0] not in have:
                    problems.append(f"{where}: {operands[0]} {operator.decode()} names nothing")
                elif operator == b"Do":
                    target = have[operands[0]].get_object()
                    if target.get("/Subtype") == "/Form":
                        check(target, _resources(target, resources), f"{where} > {operands[0]}")
        if depth:
            problems.append(f"{where}: {depth} q without Q")
        if text:
            problems.append(f"{where}: BT and ET unbalanced by {text}")

    for index, page in enumerate(reader.pages, 1):
        contents = page.get_contents()
        if contents is not None:
            check(contents, _resources(page, None), f"page {index}")
    return sorted(set(problems))


def strokes(pdf: Path, page: int) -> list[Stroke]:
    """The straight lines a page strokes (``m``/``l``/``re`` then ``S``), in page points.

    The width is the line width under the transform (its mean scale), as it prints.
    """
    found: list[Stroke] = []
    state = {"width": [1.0], "colour": [(0.0,)], "path": []}

    def visit(operator, operands, ctm, resources, stream) -> None:
        widths, colours, path = state["width"], state["colour"], state["path"]
        if operator == b"q":
            widths.append(widths[-1])
            colours.append(colours[-1])
        elif operator == b"Q" and len(widths) > 1:
            widths.pop()
            colours.pop()
        elif operator == b"w":
            widths[-1] = float(operands[0])
        elif operator in (b"K", b"RG", b"G"):
            colours[-1] = tuple(float(v) for v in operands)
        elif operator == b"m":
            path.append([apply(ctm, float(operands[0]), float(operands[1]))])
        elif operator == b"l" and path:
            path[-1].append(apply(ctm, float(operands[0]), float(operands[1])))
        elif operator == b"re":
            x, y, w, h = (float(v) for v in operands)
            corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
            path.append([apply(ctm, *p) for p in corners])
        elif operator in (b"S", b"s"):
            scale = math.sqrt(abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]))
            for points in path:
                for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
                    found.append(Stroke(x0, y0, x1, y1, widths[-1] * scale, colours[-1]))
            path.clear()
        elif operator in (b"n", b"f", b"f*", b"B", b"b"):  # W: the path ends at its n
            path.clear()

    walk_pages(pdf, visit, [page])
    return found


# --- checkers ---------------------------------------------------------------------------
def require(tool: str) -> None:
    """Skip without ``tool``, unless CI says it must be there."""
    if shutil.which(tool) is None:
        if os.environ.get("POSTCARDS_REQUIRE_QPDF"):
            pytest.fail(f"{tool} is required here (POSTCARDS_REQUIRE_QPDF) but not installed")
        pytest.skip(f"{tool} is not installed (.ci/run installs it)")


def qpdf_problems(pdf: Path) -> str:
    """What ``qpdf --check`` says is wrong ("" when nothing is)."""
    require("qpdf")
    done = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    if done.returncode == 0 and "No syntax or stream encoding errors found" in done.stdout:
        return ""
    return done.stdout + done.stderr


# --- rendering and comparing ------------------------------------------------------------
def render(pdf: Path, page: int, dpi: float, renderer: str = "pdfium"):
    """Page ``page`` (0-based) as an RGB image, drawn by pdfium or by poppler (pdftoppm)."""

    if renderer == "pdfium":
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(str(pdf))
        try:
            return document[page].render(scale=dpi / 72).to_pil().convert("RGB")
        finally:
            document.close()
    return _poppler(pdf, page, dpi)


def render_exact(pdf: Path, page: int, dpi: float, renderer: str = "pdfium"):
    """A page drawn to be read pixel by pixel, as an RGB image.

    pdfium draws without anti-aliasing (paths, text, images): a pixel is set when its
    centre is inside.  poppler's unsmoothed mode sets every pixel a path touches, so it
    draws anti-aliased: for shapes on whole pixels a pixel is then inked fully or not at
    all, and :func:`dark_pixels` reads the same set.
    """

    if renderer == "pdfium":
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(str(pdf))
        try:
            bitmap = document[page].render(
                scale=dpi / 72, no_smoothpath=True, no_smoothtext=True, no_smoothimage=True
            )
            return bitmap.to_pil().convert("RGB")
        finally:
            document.close()
    return _poppler(pdf, page, dpi)


def _poppler(pdf: Path, page: int, dpi: float):
    """Page ``page`` (0-based) as poppler draws it (pdftoppm, anti-aliased), in RGB."""
    from PIL import Image

    require("pdftoppm")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-r", f"{dpi:g}", "-f", str(page + 1), "-l", str(page + 1)]
            + ["-png", "-singlefile", str(pdf), str(out)],
            check=True,
        )
        with Image.open(out.with_suffix(".png")) as image:
            return image.convert("RGB")


def dark_pixels(image, threshold: int = 128) -> set[tuple[int, int]]:
    """The (column, row from the top) of every pixel darker than ``threshold``."""
    grey = image.convert("L")
    data = grey.tobytes()
    width = grey.width
    return {(i % width, i // width) for i, value in enumerate(data) if value < threshold}


def differing_pixels(ours, reference, tolerance: int = TOLERANCE) -> int:
    """How many pixels differ by more than ``tolerance`` in any channel."""
    from PIL import ImageChops

    assert ours.size == reference.size, (ours.size, reference.size)
    difference = ImageChops.difference(ours.convert("RGB"), reference.convert("RGB"))
    most = ImageChops.lighter(
        ImageChops.lighter(difference.getchannel(0), difference.getchannel(1)),
        difference.getchannel(2),
    )
    return most.point(lambda v: 255 if v > tolerance else 0).histogram()[255]
