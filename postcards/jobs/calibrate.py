"""``postcards calibrate``: a two-sided test sheet for the campaign's sheet layout and printer.

The job holds the rules: the output guard, and the defaults (campaign.toml's layout,
else ``a4-2up`` when it prints single cards; its duplex, else ``long-edge`` when it
prints fronts and backs apart).  The sheet itself is drawn from the few values it needs
(:class:`~postcards.printing.calibration.SheetToCalibrate`), not from the settings.
"""

from __future__ import annotations

from pathlib import Path

from postcards.cards.design import load_design
from postcards.config import Settings
from postcards.jobs.outputs import check_outputs, protected_paths
from postcards.page.geometry import parse_size
from postcards.page.layouts import find_layout
from postcards.printing.calibration import (
    Calibration,
    SheetToCalibrate,
    printer_offset,
    write_calibration,
)

#: What a calibration sheet stands in for when campaign.toml's layout or duplex cannot say.
SHEET_LAYOUT, TURNED = "a4-2up", "long-edge"


def make_calibration(
    campaign: Settings,
    out: Path,
    layout: str | None = None,
    duplex: str | None = None,
    printer: str | None = None,
) -> Calibration:
    """Write the calibration sheet for ``layout`` (default: the campaign's) to ``out``.

    Args:
        campaign: the campaign's settings.
        out: the two-page PDF to write.
        layout: the sheet layout to calibrate.
        duplex: ``long-edge`` or ``short-edge``.
        printer: a ``[printers.NAME]`` profile whose offset the backs are moved by.

    Raises:
        UsageError: ``out`` would replace an input or is not a PDF.
        InputError: an unknown layout or printer, or a layout that is not a sheet.
    """
    check_outputs([out], protected_paths(campaign, [out]), (".pdf",))
    offset = printer_offset(campaign.printers, printer)
    chosen = layout or (campaign.layout if campaign.layout != "single" else SHEET_LAYOUT)
    sheet = SheetToCalibrate(
        layout=find_layout(chosen, campaign.layouts),
        size=parse_size(campaign.size),
        bleed_mm=campaign.bleed_mm,
        duplex=duplex or (campaign.duplex if campaign.duplex != "separate" else TURNED),
        back_offset_mm=offset,
    )
    fonts = load_design(campaign.design, campaign.root).fonts
    return write_calibration(sheet, fonts, out)
