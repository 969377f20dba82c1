"""How long work says how far it has got, without knowing who is watching.

Planning, drawing and print runs count cards and call ``progress(done, total)``; the
command line shows the calls as a rich progress bar, the station as a poll's answer, and
the API passes the caller's own function on.  The library never prints the progress
itself (see STYLE: progress is reported by the library, shown by the shells).
"""

from __future__ import annotations

from collections.abc import Callable

#: Called as ``progress(done, total)`` as the cards are planned, then drawn.
Progress = Callable[[int, int], None]
