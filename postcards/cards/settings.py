"""What planning a card reads of campaign.toml, and nothing else of it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from postcards.return_addresses import ReturnAddresses


@dataclass(frozen=True)
class CardSettings:
    """What planning a card reads of campaign.toml: made once by the job that plans."""

    name: str
    wave: str
    language: str  # a card's when neither its pairing nor its prisoner gives one
    root: Path  # the campaign folder: signature images are found in it, never outside
    returns: ReturnAddresses  # each sender's return address, chosen in one place
    hashtag: str
    url: str
    qr_placement: str  # "card": a symbol and its code on each card; "sheet": on signing sheets
    qr_content: str  # "code", or "url": qr_url with the code in it
    qr_url: str
    qr_module_mm: float
