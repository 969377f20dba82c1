"""The print run's kill seam: inert unless a test names a point (the kills: test_runs.py)."""

from __future__ import annotations

import os
import signal

import pytest

from postcards.printing import settling
from postcards.printing.settling import KILL_AT_VARIABLE, KILL_POINTS


@pytest.fixture
def kills(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The signals ``kill_point`` would send, recorded instead of sent."""
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(settling.os, "kill", lambda pid, sig: sent.append((pid, sig)))
    return sent


def test_no_kill_point_does_anything_without_the_variable(
    monkeypatch: pytest.MonkeyPatch, kills: list
) -> None:
    monkeypatch.delenv(KILL_AT_VARIABLE, raising=False)
    for point in KILL_POINTS:
        settling.kill_point(point)
    assert kills == []


@pytest.mark.parametrize("value", ["", "1", "yes", "after-everything", "AFTER-COMMIT"])
def test_a_value_naming_no_point_kills_nowhere(
    monkeypatch: pytest.MonkeyPatch, kills: list, value: str
) -> None:
    monkeypatch.setenv(KILL_AT_VARIABLE, value)
    for point in KILL_POINTS:
        settling.kill_point(point)
    assert kills == []


@pytest.mark.parametrize("named", KILL_POINTS)
def test_the_named_point_alone_kills_this_process_outright(
    monkeypatch: pytest.MonkeyPatch, kills: list, named: str
) -> None:
    monkeypatch.setenv(KILL_AT_VARIABLE, named)
    for point in KILL_POINTS:
        settling.kill_point(point)
    assert kills == [(os.getpid(), signal.SIGKILL)]


def test_a_point_that_does_not_exist_is_a_programming_error(kills: list) -> None:
    with pytest.raises(AssertionError, match="after-lunch"):
        settling.kill_point("after-lunch")
