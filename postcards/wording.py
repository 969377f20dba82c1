"""Counts said in English as people say them: ``1 problem``, ``2 problems``.

Every message that counts something (the CLI's summaries, the library's errors) goes
through :func:`counted`, so that no message ever reads ``1 problems``.
"""

from __future__ import annotations


def counted(count: int, one: str, many: str | None = None) -> str:
    """``count`` and the noun in the form that goes with it.

    Args:
        count: how many.
        one: the singular (``"card"``, ``"godchild kept"``).
        many: the plural when it is not ``one + "s"`` (``"godchildren kept"``).
    """
    return f"{count} {one if count == 1 else many or one + 's'}"
