"""Find the bundled folders (templates/, fonts/, samples/) in a checkout or a wheel.

In a checkout they sit beside the package; an installed wheel carries them inside the
package as ``postcards/_data/<name>``.  Both are looked up here and nowhere else.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def bundled(name: str) -> Path:
    """The folder ``name`` (``templates``, ``fonts`` or ``samples``) shipped with postcards.

    Raises:
        FileNotFoundError: when the installation is broken and the folder is missing.
    """
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"postcards is installed without its {name}/ folder; reinstall it")
