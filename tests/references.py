"""Reference renderings of a card and a sheet, one set per renderer (pdfium, poppler).

``tests/test_references.py`` renders the same plans now and counts the pixels that differ
from these by more than :data:`pdfcheck.TOLERANCE`.  Regenerate them on purpose only (a
new design, a change meant to show), look at every image, and say why in the commit::

    PYTHONPATH=. python tests/references.py
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from pdfcheck import RENDERERS, render  # noqa: E402

from postcards.cards.plans import CardPlan  # noqa: E402
from postcards.printing.faces import CardRenderer  # noqa: E402

HERE = Path(__file__).parent
REFERENCE = HERE / "data" / "reference"
CODE = "K7M2QX9DR"  # the golden files' code: plans that do not depend on a random one
#: A rendering may differ from its reference by this many pixels (a renderer's update moves
#: a few edge pixels); one changed digit moves a hundred or more.
BUDGET = 8


@dataclass(frozen=True)
class Case:
    """One reference image: which PDF, which page of it, at what resolution."""

    name: str
    make: str  # "card" or "sheet"
    page: int
    dpi: float


CASES = (
    Case("card-front", "card", 0, 100),
    Case("card-back", "card", 1, 100),
    Case("a4-2up-front", "sheet", 0, 50),
    Case("a4-2up-back", "sheet", 1, 50),
)


def sample_plans() -> tuple[CardRenderer, list[CardPlan]]:
    """The sample campaign's renderer and a plan per card, in print order."""
    from postcards.campaign_file import load_campaign
    from postcards.jobs.check import prepare, print_order
    from postcards.page.geometry import Page

    campaign = load_campaign(HERE.parent / "samples" / "campaign.toml")
    report, planner = prepare(campaign)
    assert planner is not None, [str(p) for p in report.problems]
    plans = [planner.plan(pairing, CODE) for pairing in print_order(report.pairings)]
    renderer = CardRenderer(planner.design, Page(planner.size, campaign.bleed_mm), campaign.name)
    return renderer, plans


def first_russian(plans: list[CardPlan]) -> CardPlan:
    """The card the card references show."""
    return next(plan for plan in plans if plan.language == "ru")


def write_card(renderer: CardRenderer, plan: CardPlan, path: Path) -> Path:
    """One card, front and back, as the ``single`` layout prints it."""
    renderer.render([plan], path)
    return path


def write_sheet(renderer: CardRenderer, plans: list[CardPlan], path: Path) -> Path:
    """The first three cards on a4-2up, long-edge, with crop marks and a slug."""
    from postcards.page.layouts import LAYOUTS
    from postcards.printing.imposition import impose
    from postcards.printing.sheets import SheetOptions, SheetRenderer

    imposition = impose(LAYOUTS["a4-2up"], renderer.page.size, renderer.page.bleed_mm)
    options = SheetOptions("long-edge", True, (0.0, 0.0), "Sample · wave 1")
    SheetRenderer(renderer, imposition, options).render(plans[:3], imposition.sheets(3, 1), path)
    return path


def pdfs(
    renderer: CardRenderer,
    plans: list[CardPlan],
    folder: Path,
    card: Callable[[CardPlan], CardPlan] = lambda plan: plan,
) -> dict[str, Path]:
    """The card and the sheet PDFs the references show (``card`` may change the card)."""
    return {
        "card": write_card(renderer, card(first_russian(plans)), folder / "card.pdf"),
        "sheet": write_sheet(renderer, plans, folder / "sheet.pdf"),
    }


def reference(case: Case, renderer: str) -> Path:
    """Where a case's reference image for a renderer is kept."""
    return REFERENCE / renderer / f"{case.name}.png"


def regenerate() -> None:
    """Render every case with every renderer into tests/data/reference/<renderer>/."""
    import tempfile

    renderer, plans = sample_plans()
    with tempfile.TemporaryDirectory() as folder:
        made = pdfs(renderer, plans, Path(folder))
        for name in RENDERERS:
            for case in CASES:
                path = reference(case, name)
                path.parent.mkdir(parents=True, exist_ok=True)
                render(made[case.make], case.page, case.dpi, name).save(path, optimize=True)
                print(path.relative_to(HERE.parent))


if __name__ == "__main__":
    regenerate()
