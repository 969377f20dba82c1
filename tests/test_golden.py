"""Golden files: the sample campaign's card plans and the preset layouts, as reviewed JSON
(see tests/golden/README.md; ``--regenerate-golden`` rewrites them)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from conftest import ROOT

from postcards.campaign_file import load_campaign
from postcards.config import Settings
from postcards.jobs.check import prepare, print_order
from postcards.page.geometry import parse_size
from postcards.page.layouts import LAYOUTS
from postcards.printing.imposition import impose

GOLDEN = Path(__file__).parent / "golden"
CODE = "K7M2QX9DR"  # a fixed, valid code: the plans must not depend on the random one


def _compare(name: str, text: str, regenerate: bool) -> None:
    path = GOLDEN / name
    if regenerate:
        path.write_text(text + "\n", encoding="utf-8")
    assert path.is_file(), f"{name} is missing; run pytest --regenerate-golden and review it"
    assert text + "\n" == path.read_text(encoding="utf-8"), (
        f"{name} differs from what the code plans now; if the change is meant, run pytest "
        "tests/test_golden.py --regenerate-golden and review the diff"
    )


@pytest.fixture(scope="module")
def sample_plans() -> dict[str, str]:
    campaign = load_campaign(ROOT / "samples" / "campaign.toml")
    report, planner = prepare(campaign)
    assert planner is not None, [str(p) for p in report.problems]
    first: dict[str, str] = {}
    for pairing in print_order(report.pairings):
        plan = planner.plan(pairing, CODE)
        first.setdefault(plan.language, plan.to_json())
    return first


@pytest.mark.parametrize("language", ["ru", "be"])
def test_the_first_sample_card_of_each_language(
    sample_plans: dict[str, str], language: str, request: pytest.FixtureRequest
) -> None:
    _compare(
        f"plan-{language}.json",
        sample_plans[language],
        request.config.getoption("--regenerate-golden"),
    )


@pytest.mark.parametrize("name", sorted(n for n in LAYOUTS if n != "single"))
def test_each_preset_layout(name: str, request: pytest.FixtureRequest) -> None:
    layout = LAYOUTS[name]
    imposition = impose(layout, parse_size("A6"), Settings.bleed_mm)  # the default 3 mm
    data = {
        "sheet": dataclasses.asdict(imposition.sheet),
        "turned": imposition.turned,
        "bleed_mm": imposition.bleed_mm,
        "slots": [dataclasses.asdict(slot) for slot in imposition.slots],
        "backs": {
            duplex: [_rounded(imposition.back(slot, duplex)) for slot in imposition.slots]
            for duplex in ("long-edge", "short-edge")
        },
    }
    _compare(
        f"layout-{name}.json",
        json.dumps(data, ensure_ascii=False, indent=1, default=str),
        request.config.getoption("--regenerate-golden"),
    )


def _rounded(value: object) -> object:
    """A transform as plain numbers, rounded so float noise is no change."""
    if dataclasses.is_dataclass(value):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return round(value, 6) if isinstance(value, float) else value
