"""A PDF/X-4 structure checker for the tests, on pypdf: an independent reader of our files.

:func:`pdfx_problems` lists what keeps a file from being PDF/X-4 (ISO 15930-7) as far as
its structure shows: the output intent and its profile, the version keys in Info and XMP
and their agreement, Trapped, the dates, the page boxes, the colour spaces of every page,
form, image, shading and transparency group, embedded fonts that their licence lets be
embedded, no encryption, PDF >= 1.6.
It cannot judge what needs a colour engine or a font licence: see the README's list.

:func:`rgb_greys` finds greys written as RGB in any content stream (``0 0 0 rg``): black
that a press would print with all four inks.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, StreamObject

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
}
RGB_SPACES = {"/DeviceRGB", "/CalRGB", "/RGB"}


def pdfx_problems(path: Path) -> list[str]:
    """Everything that keeps ``path`` from being a well-formed PDF/X-4 file (none: [])."""
    reader = PdfReader(path)
    problems: list[str] = []
    header = path.read_bytes()[:8]
    match = re.match(rb"%PDF-(\d)\.(\d)", header)
    if not match or (int(match[1]), int(match[2])) < (1, 6):
        problems.append(f"PDF version {header!r}: PDF/X-4 needs 1.6 or later")
    if reader.is_encrypted:
        problems.append("encrypted")
    if "/ID" not in reader.trailer:
        problems.append("no /ID in the trailer")
    catalog = reader.trailer["/Root"].get_object()
    problems += _intent_problems(catalog)
    info = reader.trailer["/Info"].get_object() if "/Info" in reader.trailer else {}
    problems += _info_problems(info)
    problems += _xmp_problems(catalog, info)
    seen: set[int] = set()  # forms and images shared by pages are looked at once
    for number, page in enumerate(reader.pages, 1):
        problems += [f"page {number}: {p}" for p in _box_problems(page)]
        if "/Annots" in page:
            problems.append(f"page {number}: annotations")
        problems += [f"page {number}: {p}" for p in _resource_problems(page, seen)]
        problems += [f"page {number}: {p}" for p in _operator_problems(page.get_contents())]
    return problems


def _intent_problems(catalog: DictionaryObject) -> list[str]:
    intents = catalog.get("/OutputIntents")
    intents = [i.get_object() for i in intents.get_object()] if intents else []
    pdfx = [i for i in intents if i.get("/S") == "/GTS_PDFX"]
    if len(pdfx) != 1:
        return [f"{len(pdfx)} GTS_PDFX output intents (one is needed)"]
    intent = pdfx[0]
    problems = []
    if intent.get("/Type", "/OutputIntent") != "/OutputIntent":
        problems.append("the output intent's /Type is not /OutputIntent")
    if not str(intent.get("/OutputConditionIdentifier", "")).strip():
        problems.append("the output intent has no /OutputConditionIdentifier")
    if not str(intent.get("/Info", "")).strip():
        problems.append("the output intent has no /Info (needed for a profile not registered)")
    if "/DestOutputProfile" not in intent:
        return [*problems, "the output intent embeds no profile (/DestOutputProfile)"]
    profile = intent["/DestOutputProfile"].get_object()
    data = profile.get_data()
    if profile.get("/N") != 4:
        problems.append(f"the output profile's /N is {profile.get('/N')}, not 4")
    if len(data) < 128 or data[36:40] != b"acsp":
        problems.append("the output profile is not an ICC profile")
    elif int.from_bytes(data[:4], "big") != len(data):
        problems.append("the output profile's size disagrees with its header")
    elif data[12:16] != b"prtr" or data[16:20] != b"CMYK":
        problems.append(f"the output profile is {data[12:16]!r} {data[16:20]!r}, not prtr CMYK")
    return problems


def _info_problems(info) -> list[str]:
    problems = []
    if not str(info.get("/GTS_PDFXVersion", "")).startswith("PDF/X-4"):
        problems.append(f"Info /GTS_PDFXVersion is {info.get('/GTS_PDFXVersion')!r}")
    if info.get("/Trapped") not in ("/True", "/False"):
        problems.append(f"Info /Trapped is {info.get('/Trapped')!r}, not /True or /False")
    for key in ("/Title", "/CreationDate", "/ModDate"):
        if not str(info.get(key, "")).strip():
            problems.append(f"Info has no {key}")
    return problems


def _xmp_problems(catalog: DictionaryObject, info) -> list[str]:
    if "/Metadata" not in catalog:
        return ["the catalog has no XMP /Metadata"]
    stream = catalog["/Metadata"].get_object()
    if stream.get("/Type") != "/Metadata" or stream.get("/Subtype") != "/XML":
        return ["the /Metadata stream is not /Type /Metadata /Subtype /XML"]
    try:
        root = ET.fromstring(stream.get_data())
    except ET.ParseError as exc:
        return [f"the XMP is not XML: {exc}"]

    def value(path: str) -> str | None:
        found = root.find(f".//{path}", NS)
        if found is None:  # an attribute of rdf:Description, the short form
            prefix, name = path.split(":")
            for desc in root.iter(f"{{{NS['rdf']}}}Description"):
                if f"{{{NS[prefix]}}}{name}" in desc.attrib:
                    return desc.attrib[f"{{{NS[prefix]}}}{name}"]
            return None
        return "".join(found.itertext()).strip()

    problems = []
    version = value("pdfxid:GTS_PDFXVersion")
    if version != str(info.get("/GTS_PDFXVersion", "")):
        problems.append(f"XMP pdfxid:GTS_PDFXVersion {version!r} disagrees with Info")
    trapped = value("pdf:Trapped")
    if trapped is None or f"/{trapped}" != info.get("/Trapped"):
        problems.append(f"XMP pdf:Trapped {trapped!r} disagrees with Info")
    for xmp_key, info_key in (("xmp:CreateDate", "/CreationDate"), ("xmp:ModifyDate", "/ModDate")):
        xmp_date, info_date = value(xmp_key), str(info.get(info_key, ""))
        if xmp_date is None or _xmp_date(xmp_date) != _pdf_date(info_date):
            problems.append(f"XMP {xmp_key} {xmp_date!r} disagrees with Info {info_date!r}")
    if value("dc:title") != str(info.get("/Title", "")):
        problems.append("XMP dc:title disagrees with Info /Title")
    for key in ("xmpMM:DocumentID", "xmpMM:InstanceID", "xmpMM:VersionID", "xmpMM:RenditionClass"):
        if not value(key):
            problems.append(f"XMP has no {key}")
    return problems


def _pdf_date(text: str) -> dt.datetime | None:
    match = re.match(r"D:(\d{14})(Z|([+-])(\d\d)'(\d\d)'?)?$", text)
    if not match:
        return None
    when = dt.datetime.strptime(match[1], "%Y%m%d%H%M%S")
    offset = dt.timedelta()
    if match[3]:
        offset = dt.timedelta(hours=int(match[4]), minutes=int(match[5]))
        offset = -offset if match[3] == "-" else offset
    return when.replace(tzinfo=dt.timezone(offset))


def _xmp_date(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _box_problems(page) -> list[str]:
    boxes = {name: page.get(name) for name in ("/MediaBox", "/BleedBox", "/TrimBox")}
    problems = [f"no {name}" for name, box in boxes.items() if box is None]
    if problems:
        return problems
    media, bleed, trim = ([float(v) for v in box] for box in boxes.values())
    if not _inside(bleed, media):
        problems.append(f"BleedBox {bleed} is not inside the MediaBox {media}")
    if not _inside(trim, bleed):
        problems.append(f"TrimBox {trim} is not inside the BleedBox {bleed}")
    return problems


def _inside(inner: list[float], outer: list[float]) -> bool:
    return (
        min(inner[0], inner[2]) >= min(outer[0], outer[2]) - 1e-6
        and min(inner[1], inner[3]) >= min(outer[1], outer[3]) - 1e-6
        and max(inner[0], inner[2]) <= max(outer[0], outer[2]) + 1e-6
        and max(inner[1], inner[3]) <= max(outer[1], outer[3]) + 1e-6
    )


def _resource_problems(holder, seen: set[int]) -> Iterator[str]:
    """RGB spaces, unembedded fonts and RGB blending groups in a page's or form's resources."""
    group = holder.get("/Group")
    if group is not None and _is_rgb(group.get_object().get("/CS")):
        yield "a transparency group blends in RGB"
    resources = holder.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    for name, space in _items(resources.get("/ColorSpace")):
        if _is_rgb(space):
            yield f"colour space {name} is RGB"
    for name, shading in _items(resources.get("/Shading")):
        if _is_rgb(shading.get("/ColorSpace")):
            yield f"shading {name} is RGB"
    for name, pattern in _items(resources.get("/Pattern")):
        shading = pattern.get("/Shading")
        if shading is not None and _is_rgb(shading.get_object().get("/ColorSpace")):
            yield f"pattern {name} is RGB"
    for name, font in _items(resources.get("/Font")):
        if not _embedded(font):
            yield f"font {name} ({font.get('/BaseFont')}) is not embedded"
        elif _restricted(font):
            yield f"font {name} ({font.get('/BaseFont')}) may not be embedded (OS/2 fsType)"
    for name, xobject in _items(resources.get("/XObject")):
        if id(xobject) in seen:
            continue
        seen.add(id(xobject))
        if xobject.get("/Subtype") == "/Image":
            if _is_rgb(xobject.get("/ColorSpace")):
                yield f"image {name} is {xobject.get('/ColorSpace')}"
            mask = xobject.get("/SMask")
            if mask is not None and _is_rgb(mask.get_object().get("/ColorSpace")):
                yield f"image {name}'s soft mask is RGB"
        elif xobject.get("/Subtype") == "/Form":
            yield from (f"form {name}: {p}" for p in _resource_problems(xobject, seen))
            yield from (f"form {name}: {p}" for p in _operator_problems(xobject))


def _items(value) -> Iterator[tuple[str, DictionaryObject]]:
    if value is None:
        return
    for name, item in value.get_object().items():
        yield name, item.get_object()


def _is_rgb(space) -> bool:
    """DeviceRGB, CalRGB, an RGB ICC profile, or an Indexed/Separation/DeviceN over them."""
    if space is None:
        return False
    space = space.get_object()
    if isinstance(space, ArrayObject):
        family = space[0]
        if family == "/ICCBased":
            return space[1].get_object().get("/N") == 3
        if family == "/Indexed":
            return _is_rgb(space[1])
        if family == "/Separation":
            return _is_rgb(space[2])
        if family == "/DeviceN":
            return _is_rgb(space[2])
        return family in RGB_SPACES
    return str(space) in RGB_SPACES


def _embedded(font: DictionaryObject) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _restricted(font: DictionaryObject) -> bool:
    """A TrueType font whose licence forbids embedding (OS/2 fsType: restricted licence)."""
    import io

    from fontTools.ttLib import TTFont

    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    file = font["/FontDescriptor"].get_object().get("/FontFile2")
    if file is None:
        return False
    tables = TTFont(io.BytesIO(file.get_object().get_data()))
    return "OS/2" in tables and bool(tables["OS/2"].fsType & 0x0002)


def _operator_problems(stream: StreamObject | None) -> Iterator[str]:
    """DeviceRGB set in a content stream: rg/RG, or cs/CS naming /DeviceRGB, or inline images."""
    if stream is None:
        return
    for operands, operator in ContentStream(stream, None).operations:
        if operator in (b"rg", b"RG"):
            yield f"{operator.decode()} {[float(v) for v in operands]}: DeviceRGB"
        elif operator in (b"cs", b"CS") and str(operands[0]) in RGB_SPACES:
            yield f"{operands[0]} {operator.decode()}: DeviceRGB"
        elif operator == b"INLINE IMAGE":
            space = operands["settings"].get("/CS", operands["settings"].get("/ColorSpace"))
            if str(space) in (*RGB_SPACES, "/RGB"):
                yield "an inline image in RGB"


def rgb_greys(path: Path) -> list[str]:
    """Every grey (or black) set as RGB in the content streams of ``path``'s pages and forms."""
    reader = PdfReader(path)
    found = []
    seen: set[int] = set()
    for number, page in enumerate(reader.pages, 1):
        streams = [("page", page.get_contents())]
        streams += [(f"form {name}", form) for name, form in _forms(page, seen)]
        for where, stream in streams:
            if stream is None:
                continue
            for operands, operator in ContentStream(stream, reader).operations:
                if operator in (b"rg", b"RG", b"sc", b"SC", b"scn", b"SCN") and len(operands) == 3:
                    values = [float(v) for v in operands]
                    if max(values) - min(values) < 1e-3:
                        found.append(f"page {number}, {where}: {values} {operator.decode()}")
    return found


def _forms(holder, seen: set[int]) -> Iterator[tuple[str, StreamObject]]:
    resources = holder.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    for name, xobject in _items(resources.get("/XObject")):
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            yield name, xobject
            yield from _forms(xobject, seen)
