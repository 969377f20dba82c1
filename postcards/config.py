"""campaign.toml -> :class:`Settings`, with the defaults the spec names.

Every command also works without a campaign.toml: :func:`default_campaign` gives the
same settings with paths taken from options.  Relative paths are resolved against the
campaign folder, so a campaign can be run from anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from postcards.errors import InputError, Problem, display_name
from postcards.page.layouts import Layout
from postcards.return_addresses import ReturnAddresses

#: The file a campaign folder is known by (``-c DIR`` and ``Campaign.load(DIR)`` read it).
CAMPAIGN_FILE = "campaign.toml"
#: The largest back offset accepted, in millimetres, either way (marks keep 5 mm inside).
MAX_BACK_OFFSET_MM = 5.0


@dataclass(frozen=True)
class Limits:
    """How large a spreadsheet may grow when unpacked.

    Set by ``[inputs] max_cells`` and ``max_megabytes`` in campaign.toml.
    """

    max_cells: int = 1_000_000
    max_megabytes: float = 200.0

    @property
    def max_bytes(self) -> int:
        """The unpacked-size limit in bytes (``max_megabytes`` counts millions of bytes)."""
        return int(self.max_megabytes * 1_000_000)


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to know about one campaign, resolved to absolute paths."""

    root: Path
    source: Path | None = None
    name: str = "Postcards campaign"
    hashtag: str = ""
    url: str = ""
    wave: str = "1"
    #: [campaign] office: the office that prints, scoping its senders' ids on the ledger.
    office: str = ""
    return_address: tuple[str, ...] = ()
    #: [return_addresses]: a parliament's return address, by parliament (keys as written).
    return_addresses: dict[str, tuple[str, ...]] = field(default_factory=dict)
    senders_path: Path | None = None
    prisoners_path: Path | None = None
    assignments_path: Path | None = None
    #: pandas DataFrames given to the Python API instead of the senders/prisoners files.
    senders_frame: Any = None
    prisoners_frame: Any = None
    #: [inputs] max_cells, max_megabytes: how far an XLSX/ODS may unpack (zip bombs).
    input_limits: Limits = Limits()
    design: str = "solidarity"
    size: str = "A6"
    language: str = "ru"
    layout: str = "single"
    bleed_mm: float = 3.0
    crop_marks: bool = True
    duplex: str = "long-edge"
    back_offset_mm: tuple[float, float] = (0.0, 0.0)
    #: [print] profile: the print shop's CMYK ICC profile; cards are then PDF/X-4.
    print_profile: Path | None = None
    printer: str = ""
    printers: dict[str, tuple[float, float]] = field(default_factory=dict)
    layouts: dict[str, Layout] = field(default_factory=dict)
    qr_placement: str = "card"
    qr_content: str = "code"
    qr_url: str = ""
    qr_module_mm: float = 0.5
    database: str = "sqlite:///tracking.db"
    #: ``[senders.columns]``: field -> header, or headers joined (a name in three columns)
    sender_columns: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    prisoner_columns: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    # The row that names the columns, when found wrongly below an office's title rows.
    sender_header_row: int | None = None
    prisoner_header_row: int | None = None
    warnings: tuple[Problem, ...] = ()
    # Pairing and the content check (issue 4).
    list_date: str = ""
    godparenthood: bool = False
    match_language: bool = False
    list_max_age_days: float | None = None
    risky_words: Path | None = None
    risky: str = "error"  # [check] risky: a risky word stops the run, or "warn"
    # [posters]: the language and paper of posters, and a folder of poster texts.
    poster_language: str = "en"
    poster_size: str = "A3"
    poster_templates: Path | None = None
    #: CSV outputs start with the UTF-8 byte order mark (Excel on Windows reads them as UTF-8
    #: then); ``--no-bom`` turns it off.  No campaign.toml setting: a flag is enough.
    csv_bom: bool = True

    @property
    def database_url(self) -> str:
        """The ledger URL with a relative SQLite path resolved against the campaign folder."""
        prefix = "sqlite:///"
        if self.database.startswith(prefix) and not self.database.startswith(prefix + "/"):
            return prefix + str(self.root / self.database[len(prefix) :])
        return self.database

    @property
    def config_name(self) -> str:
        """The campaign file as messages name it (``campaign.toml`` when there is none)."""
        return display_name(self.source or CAMPAIGN_FILE)

    @property
    def returns(self) -> ReturnAddresses:
        """Who chooses each card's return address: the sender's, the parliament's, ours."""
        return ReturnAddresses(self.return_address, self.return_addresses)

    def list_source(self, what: str) -> Any:
        """The senders or prisoners list to read: the API's DataFrame, else the file."""
        frame = self.senders_frame if what == "senders" else self.prisoners_frame
        if frame is not None:
            return frame
        return self.senders_path if what == "senders" else self.prisoners_path

    def with_inputs(self, **paths: Path | None) -> Settings:
        """A copy with input paths given on the command line (None keeps the file's)."""
        given: dict[str, Any] = {k: Path(v).resolve() for k, v in paths.items() if v is not None}
        return replace(self, **given)


def default_campaign(root: Path | None = None) -> Settings:
    """Settings for a run without campaign.toml, rooted in ``root`` (default: cwd).

    Raises:
        InputError: POSTCARDS_DATABASE is not a database URL.
    """
    problems: list[Problem] = []
    database = database_setting(Settings.database, problems.append)
    if problems:
        raise InputError(problems)
    return Settings(root=(root or Path.cwd()).resolve(), database=database)


DATABASE_ENV = "POSTCARDS_DATABASE"
DATABASE_FORMS = (
    "sqlite:///tracking.db (relative to the campaign folder), "
    "sqlite:////absolute/path/tracking.db or "
    "postgresql+psycopg://user@host/database"
)


def database_setting(
    configured: str, fail: Callable[[Problem], None], name: str = "campaign.toml"
) -> str:
    """The ledger URL: env POSTCARDS_DATABASE wins over ``[tracking] database``.

    The environment variable lets one server serve several offices without editing every
    campaign.toml.  A URL of another form is an error: ``sqlite:/tracking.db`` would be a folder
    named ``sqlite:`` and a second, empty ledger, silently splitting the campaign's cards in two.
    """
    env = os.environ.get(DATABASE_ENV, "").strip()
    url = env or configured
    problem = database_problem(url)
    if problem:
        fail(
            Problem(problem, column=DATABASE_ENV)
            if env
            else Problem(problem, file=name, column="tracking.database")
        )
    return url


def database_problem(url: str) -> str | None:
    """Why ``url`` is not a ledger URL this tool reads, or None."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme == "sqlite" and rest.startswith("/") and rest.strip("/") and "?" not in rest:
        return None
    if sep and scheme in ("postgresql+psycopg", "postgresql") and rest:
        return None
    if not sep and Path(url).is_absolute():
        return None  # a plain absolute path: the same file from any folder
    # A URL with a password is shown by its scheme only.
    shown = repr(url) if "@" not in url else repr((scheme or url.split(":")[0]) + "://…")
    return f"{shown} is not a database URL; write {DATABASE_FORMS}"


#: The longest office name: a short name, shown in manifests, reports and on the station.
OFFICE_MAX = 40
_OFFICE_MARKS = frozenset(" -_.&()'’/")


def office_problem(office: str) -> str | None:
    """Why ``office`` cannot name an office, or None.

    An office is a short name (``seimas-lt``, ``Bundestag Büro Müller``): letters of any
    script, digits, spaces and ``- _ . & ( ) ' /``, at most 40 characters, no space at
    either end; it is shown in manifests, reports and the dashboard.
    """
    if not office:
        return "is empty; give the office a short name, or leave the setting out"
    if len(office) > OFFICE_MAX:
        return f"is {len(office)} characters long; give a short name (at most {OFFICE_MAX})"
    if office != office.strip():
        return f"{office!r} starts or ends with a space; remove it"
    for char in office:
        if not (char.isalnum() or char in _OFFICE_MARKS):
            return (
                f"{office!r} has {char!r} (U+{ord(char):04X}); use letters, digits, spaces "
                "and - _ . & ( ) ' /"
            )
    return None
