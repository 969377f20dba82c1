"""The version of postcards, written here and nowhere else.

``postcards.__version__`` and ``postcards --version`` give it, and pyproject.toml reads it
(setuptools' dynamic version, read from this file without importing it) into the wheel's
metadata.  The changes of each version are in CHANGELOG.md.
"""

VERSION = "0.3.0.dev0"
