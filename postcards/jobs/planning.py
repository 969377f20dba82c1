"""Cards planned and checked where they are drawn, and what the checks found, joined in order.

A print run plans its cards a chunk at a time in the process that draws the chunk: the
message is rendered, every text fitted, the QR symbol encoded, and the card checked
(fonts, content, preflight) there, so that two cores plan as well as draw.  What the
checks of a chunk found comes back with its pages as :class:`Checked`; the parent joins
the chunks' in print order (:class:`RunChecks`), so the report is the same, problem for
problem and in the same order, whatever ``--jobs`` is and however the run was cut.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial

from postcards.cards.content import ContentCheck, Findings
from postcards.cards.plans import CardPlan, CardPlanner
from postcards.codes import PLACEHOLDER_CODE, format_code
from postcards.errors import PostcardsError, Problem
from postcards.jobs.lists import CheckReport
from postcards.page.text import RenderError
from postcards.pairing.fair import Pairing
from postcards.printing.preflight import CardPreflight, PreflightTally
from postcards.progress import Progress

#: A card as the manifest and the ledger keep it: code, wave, sender id, prisoner id,
#: language, sender name, prisoner name, message, return address ("/"-joined lines).
Row = tuple[str, str, str, str, str, str, str, str, str]


@dataclass
class Checked:
    """What planning some cards found, handed from the process that planned them.

    ``problems`` are each card's, in order, each with the template problem it repeats
    (None for a card's own): a template that fails fails every card, and is named once,
    with the first card it stopped.
    """

    problems: list[tuple[Problem | None, Problem]] = field(default_factory=list)
    languages: Counter[str] = field(default_factory=Counter)
    findings: Findings = field(default_factory=dict)  # the content check's
    preflight: PreflightTally = field(default_factory=PreflightTally)
    rows: list[Row] = field(default_factory=list)  # kept only when asked
    plans: list[CardPlan] = field(default_factory=list)  # kept only when asked


class CardChecks:
    """Plans the run's cards and checks each: one per process, each chunk handed over.

    Built before the workers are forked, so each has its own copy of the planner and its
    caches; only card numbers go out, and only :class:`Checked` comes back.
    """

    def __init__(
        self,
        planner: CardPlanner,
        pairings: Sequence[Pairing],
        codes: Sequence[str],
        content: ContentCheck | None = None,
        rows: bool = False,
        plans: bool = False,
    ):
        """``rows``, ``plans``: keep each card's ledger row, or its whole plan, to hand over."""
        self.planner, self.pairings, self.codes = planner, pairings, codes
        self.content = content
        self.preflight = CardPreflight(planner.design, planner.size)
        self._keep_rows, self._keep_plans = rows, plans
        self._failures: set[Problem] = set()  # template problems this process has named
        self._checked = Checked()

    def plans(self, start: int, stop: int) -> list[CardPlan] | None:
        """Cards ``start`` to ``stop - 1`` in print order, planned and checked.

        None when one of them could not be planned (its problems are in :meth:`take`'s).
        """
        plans = [self.plan(index) for index in range(start, stop)]
        return None if None in plans else plans  # type: ignore[return-value]

    def plan(self, index: int) -> CardPlan | None:
        """The card ``index`` planned and checked, or None with its problems noted."""
        pairing, code = self.pairings[index], self.codes[index]
        checked = self._checked
        try:
            plan = self.planner.plan(pairing, code)
        except RenderError as exc:
            checked.problems += [
                (problem, _on_card(problem, pairing))
                for problem in exc.problems
                if problem not in self._failures
            ]
            self._failures.update(exc.problems)
            return None
        except PostcardsError as exc:
            checked.problems += [(None, problem) for problem in exc.problems]
            return None
        checked.languages[plan.language] += 1
        if self.content is not None:
            self.content.add(plan, partial(_label, plan))  # named only if it has a finding
        self.preflight.add(plan)
        if self._keep_rows:
            checked.rows.append(_row(plan))
        if self._keep_plans:
            checked.plans.append(plan)
        return plan

    def take(self) -> Checked:
        """What was found since the last call, handed over and forgotten here."""
        checked, self._checked = self._checked, Checked()
        checked.findings = self.content.take() if self.content is not None else {}
        checked.preflight = self.preflight.take()
        return checked


class RunChecks:
    """The parent's side: each chunk's :class:`Checked` joined in print order into a report."""

    def __init__(
        self, planner: CardPlanner, content: ContentCheck | None, report: CheckReport
    ) -> None:
        self.report = report
        self.content = content.emptied() if content is not None else None
        self.preflight = CardPreflight(planner.design, planner.size)
        self._named: set[Problem] = set()  # template problems named, with their first card
        self.failed = False  # a card could not be planned

    def add(self, checked: Checked) -> None:
        """Join one chunk's findings, after every chunk before it."""
        for template, problem in checked.problems:
            self.failed = True
            if template is None or template not in self._named:
                self.report.add([problem])
            if template is not None:
                self._named.add(template)
        self.report.languages.update(checked.languages)
        if self.content is not None:
            self.content.merge(checked.findings)
        self.preflight.merge(checked.preflight)

    def finish(self) -> None:
        """The checks that look at every card report, once the last chunk is in."""
        self.report.add(self.content.problems() if self.content is not None else [])
        self.report.add(self.preflight.problems())


def iter_plans(
    planner: CardPlanner,
    pairings: Sequence[Pairing],
    codes: Sequence[str],
    report: CheckReport,
    progress: Progress | None = None,
    content: ContentCheck | None = None,
) -> Iterator[CardPlan]:
    """Plan the cards one by one in this process, checking each: a caller may use each and drop it.

    ``check`` keeps none, so memory stays flat.  The cards' problems, the content check's
    findings and the preflight's problems go into ``report`` once the last card is
    planned: read ``report.problems`` only after exhausting the generator.
    """
    checks = CardChecks(planner, pairings, codes, content)
    run = RunChecks(planner, content, report)
    for index in range(len(pairings)):
        plan = checks.plan(index)
        if plan is not None:
            yield plan
        if index % 4096 == 4095:  # what was found so far joins the report: memory stays flat
            run.add(checks.take())
        if progress:
            progress(index + 1, len(pairings))
    run.add(checks.take())
    run.finish()


def _row(plan: CardPlan) -> Row:
    """The card as the manifest and the ledger keep it."""
    returned = " / ".join(plan.return_address.lines) if plan.return_address else ""
    sender, prisoner = plan.sender, plan.prisoner
    return (plan.code, plan.wave, sender.id, prisoner.id, plan.language, sender.name,
            prisoner.name, plan.text, returned)  # fmt: skip


def _on_card(problem: Problem, pairing: Pairing) -> Problem:
    """A template's problem, naming the card it stopped (the first, when it stops all)."""
    return dataclasses.replace(
        problem,
        message=f"{problem.message} (the card from "
        f"{pairing.sender.name} ({pairing.sender.id}) to "
        f"{pairing.prisoner.name} ({pairing.prisoner.id}))",
    )


def _label(plan: CardPlan) -> str:
    """A card as the content check names it: sender → prisoner (code)."""
    code = plan.prisoner.id if plan.code == PLACEHOLDER_CODE else format_code(plan.code)
    return f"{plan.sender.name} → {plan.prisoner.name} ({code})"
