"""What makes a cards PDF a PDF/X-4 file: the output intent, the dates and the XMP metadata.

The writer asks this module for the objects' bodies; it writes them itself.  The dates
are not the clock's, so that the same inputs still give the same bytes: they come from
``SOURCE_DATE_EPOCH`` when it is set (the reproducible-builds convention), else from the
wave when it names a date (``2026-12`` is its first day), else from the prisoner list's
date, else a fixed day; always 00:00 UTC of that day.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from postcards.page.colour import OutputProfile

VERSION = "PDF/X-4"
#: The day a PDF/X file is dated when nothing names one (the ZIP format's first day).
FALLBACK_DATE = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class PdfX:
    """A PDF/X-4 run: the press's profile and the date the files carry."""

    profile: OutputProfile
    date: dt.datetime

    def info_entries(self) -> str:
        """The Info dictionary's PDF/X entries."""
        stamp = self.date.strftime("D:%Y%m%d%H%M%S+00'00'")
        return (
            f"/GTS_PDFXVersion ({VERSION}) /Trapped /False /CreationDate ({stamp}) "
            f"/ModDate ({stamp})"
        )

    def output_intent(self, profile: int) -> str:
        """The GTS_PDFX output intent, its profile in object ``profile``."""
        name = pdf_string(self.profile.description)
        return (
            f"<< /Type /OutputIntent /S /GTS_PDFX /OutputConditionIdentifier {name} "
            f"/OutputCondition {name} /Info {name} /RegistryName (http://www.color.org) "
            f"/DestOutputProfile {profile} 0 R >>"
        )

    def xmp(self, title: str, author: str, ident: str) -> bytes:
        """The catalog's XMP packet, saying what the Info dictionary says.

        ``ident`` (32 hex digits) names the document and this rendition of it.
        """
        when = self.date.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        uuid = f"uuid:{ident[:8]}-{ident[8:12]}-{ident[12:16]}-{ident[16:20]}-{ident[20:32]}"
        from xml.sax.saxutils import escape  # (urllib and ssl come with it: only for PDF/X)

        title, author = escape(title), escape(author)
        return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<xmp:CreateDate>{when}</xmp:CreateDate>
<xmp:ModifyDate>{when}</xmp:ModifyDate>
<xmp:MetadataDate>{when}</xmp:MetadataDate>
<xmp:CreatorTool>{author}</xmp:CreatorTool>
<xmpMM:DocumentID>{uuid}</xmpMM:DocumentID>
<xmpMM:InstanceID>{uuid}</xmpMM:InstanceID>
<xmpMM:VersionID>1</xmpMM:VersionID>
<xmpMM:RenditionClass>default</xmpMM:RenditionClass>
<pdf:Producer>{author}</pdf:Producer>
<pdf:Trapped>False</pdf:Trapped>
<pdfxid:GTS_PDFXVersion>{VERSION}</pdfxid:GTS_PDFXVersion>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>""".encode()


def print_date(wave: str, list_date: str = "") -> dt.datetime:
    """The date a run's PDF/X files carry (see the module's note), 00:00 UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    for text in (wave.strip(), list_date):
        day = _day(text)
        if day is not None:
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return FALLBACK_DATE


def _day(text: str) -> dt.date | None:
    """The first day a date-like text names: 2026-12-05, 2026-12, 2026, 2026-W49."""
    for candidate in (text, f"{text}-01", f"{text}-01-01", f"{text}-1"):
        try:
            return dt.date.fromisoformat(candidate)
        except ValueError:
            continue
    return None


def pdf_string(text: str) -> str:
    """A PDF text string: literal when printable ASCII, else UTF-16BE hex."""
    if text.isascii() and text.isprintable():
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"
