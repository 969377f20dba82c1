"""The ``postcards`` command: parses options, calls the jobs, prints what they return.

One module per group of commands; importing this package registers them all on
:func:`main`, the entry point.
"""

from postcards.cli import campaign, printing, station, tracking  # noqa: F401 - registers the commands
from postcards.cli.shell import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()
