"""campaign.toml -> :class:`Campaign` settings, with the defaults the spec names.

Every command also works without a campaign.toml: :func:`default_campaign` gives the
same settings with paths taken from options.  Relative paths are resolved against the
campaign folder, so a campaign can be run from anywhere.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import InputError, LayoutError, Problem, display_name
from .geometry import parse_sheet
from .impose import DUPLEX_MODES, LAYOUTS, Layout

_KNOWN: dict[str, set[str]] = {
    "campaign": {"name", "hashtag", "url", "wave", "return_address", "list_date",
                 "godparenthood", "match_language"},
    "inputs": {"senders", "prisoners", "assignments"},
    "cards": {"design", "size", "language", "layout", "duplex", "bleed_mm", "crop_marks"},
    "qr": {"placement", "content", "url", "module_mm"},
    "check": {"list_max_age_days", "risky_words", "risky"},
    "tracking": {"database"},
    "senders": {"columns"},
    "prisoners": {"columns"},
    "print": {"back_offset_mm", "printer"},
    "posters": {"language", "size", "templates"},
}
#: Sections whose keys are names the campaign chooses: [layouts.NAME], [printers.NAME].
_NAMED: dict[str, set[str]] = {
    "layouts": {"sheet", "rows", "columns", "gap_mm", "margin_mm", "bleed_mm", "mark_mm"},
    "printers": {"back_offset_mm"},
}


@dataclass(frozen=True)
class Campaign:
    """Everything a command needs to know about one campaign, resolved to absolute paths."""

    root: Path
    source: Path | None = None
    name: str = "Postcards campaign"
    hashtag: str = ""
    url: str = ""
    wave: str = "1"
    return_address: tuple[str, ...] = ()
    senders_path: Path | None = None
    prisoners_path: Path | None = None
    assignments_path: Path | None = None
    design: str = "solidarity"
    size: str = "A6"
    language: str = "ru"
    layout: str = "single"
    bleed_mm: float = 3.0
    crop_marks: bool = True
    duplex: str = "long-edge"
    back_offset_mm: tuple[float, float] = (0.0, 0.0)
    printer: str = ""
    printers: dict[str, tuple[float, float]] = field(default_factory=dict)
    layouts: dict[str, Layout] = field(default_factory=dict)
    qr_placement: str = "card"
    qr_content: str = "code"
    qr_url: str = ""
    qr_module_mm: float = 0.5
    database: str = "sqlite:///tracking.db"
    sender_columns: dict[str, str] = field(default_factory=dict)
    prisoner_columns: dict[str, str] = field(default_factory=dict)
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

    @property
    def database_url(self) -> str:
        """The ledger URL with a relative SQLite path resolved against the campaign folder."""
        prefix = "sqlite:///"
        if self.database.startswith(prefix) and not self.database.startswith(prefix + "/"):
            return prefix + str(self.root / self.database[len(prefix):])
        return self.database

    def with_inputs(self, **paths: Path | None) -> Campaign:
        """A copy with input paths given on the command line (None keeps the file's)."""
        given = {k: Path(v).resolve() for k, v in paths.items() if v is not None}
        return replace(self, **given)


def default_campaign(root: Path | None = None) -> Campaign:
    """Settings for a run without campaign.toml, rooted in ``root`` (default: cwd)."""
    return Campaign(root=(root or Path.cwd()).resolve(), database=_database(Campaign.database))


DATABASE_ENV = "POSTCARDS_DATABASE"


def _database(configured: str) -> str:
    """The ledger URL: env POSTCARDS_DATABASE (one server for several offices, without
    editing every campaign.toml) wins over ``[tracking] database``."""
    return os.environ.get(DATABASE_ENV, "").strip() or configured


def load_campaign(path: str | Path) -> Campaign:
    """Read a campaign.toml.

    Raises:
        InputError: the file is missing, not TOML, or has a value of the wrong type.
    """
    path = Path(path).resolve()
    name = display_name(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(Problem("file not found", file=name)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(Problem(f"not valid TOML: {exc}", file=name)) from None
    except UnicodeDecodeError:
        raise InputError(Problem("not UTF-8 text; save it as UTF-8", file=name)) from None
    return _from_dict(data, path)


def _from_dict(data: dict[str, Any], path: Path) -> Campaign:
    reader = _Reader(data, display_name(path))
    root = path.parent

    def input_path(key: str) -> Path | None:
        value = reader.text("inputs", key, "")
        return (root / value).resolve() if value else None

    campaign = Campaign(
        root=root,
        source=path,
        name=reader.text("campaign", "name", Campaign.name),
        hashtag=reader.text("campaign", "hashtag", ""),
        url=reader.text("campaign", "url", ""),
        wave=reader.text("campaign", "wave", Campaign.wave),
        return_address=reader.lines("campaign", "return_address"),
        senders_path=input_path("senders"),
        prisoners_path=input_path("prisoners"),
        assignments_path=input_path("assignments"),
        design=reader.text("cards", "design", Campaign.design),
        size=reader.text("cards", "size", Campaign.size),
        language=reader.text("cards", "language", Campaign.language),
        layout=reader.text("cards", "layout", Campaign.layout),
        bleed_mm=reader.number("cards", "bleed_mm", Campaign.bleed_mm),
        crop_marks=reader.flag("cards", "crop_marks", Campaign.crop_marks),
        duplex=reader.choice("cards", "duplex", DUPLEX_MODES),
        printers=reader.printers(),
        layouts=reader.layouts(),
        qr_placement=reader.choice("qr", "placement", ("card", "sheet")),
        qr_content=reader.choice("qr", "content", ("code", "url")),
        qr_url=reader.text("qr", "url", ""),
        qr_module_mm=reader.number("qr", "module_mm", Campaign.qr_module_mm),
        database=_database(reader.text("tracking", "database", Campaign.database)),
        sender_columns=reader.mapping("senders", "columns"),
        prisoner_columns=reader.mapping("prisoners", "columns"),
        list_date=reader.date("campaign", "list_date"),
        godparenthood=reader.flag("campaign", "godparenthood", False),
        match_language=reader.flag("campaign", "match_language", False),
        list_max_age_days=reader.days("check", "list_max_age_days"),
        risky=reader.choice("check", "risky", ("error", "warn")),
        risky_words=(root / reader.text("check", "risky_words", "")).resolve()
        if reader.text("check", "risky_words", "") else None,
        poster_language=reader.text("posters", "language", Campaign.poster_language),
        poster_size=reader.text("posters", "size", Campaign.poster_size),
        poster_templates=_folder(root, reader.text("posters", "templates", "")),
    )
    if campaign.qr_content == "url" and "{code}" not in campaign.qr_url:
        reader.fail("qr", "url", 'must contain {code} when content = "url"')
    campaign = replace(campaign, **reader.offset(campaign.printers))
    reader.raise_if_wrong()
    return replace(campaign, warnings=tuple(reader.unknown_keys()))


def _folder(root: Path, value: str) -> Path | None:
    return (root / value).resolve() if value else None


class _Reader:
    """Typed access to the TOML tables, collecting every wrong value before failing."""

    def __init__(self, data: dict[str, Any], name: str):
        self.data, self.name, self.problems = data, name, []

    def _get(self, section: str, key: str) -> Any:
        table = self.data.get(section, {})
        return table.get(key) if isinstance(table, dict) else None

    def fail(self, section: str, key: str, message: str) -> None:
        self.problems.append(Problem(message, file=self.name, column=f"{section}.{key}"))

    def text(self, section: str, key: str, default: str) -> str:
        value = self._get(section, key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(section, key, f"expected text, found {value!r}")
            return default
        return str(value).strip()

    def number(self, section: str, key: str, default: float) -> float:
        value = self._get(section, key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            self.fail(section, key, f"expected a number of millimetres, found {value!r}")
            return default
        return float(value)

    def days(self, section: str, key: str) -> float | None:
        value = self._get(section, key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            self.fail(section, key, f"expected a number of days, found {value!r}")
            return None
        return float(value)

    def date(self, section: str, key: str) -> str:
        """A date as ISO text (YYYY-MM-DD), written as a TOML date or as text."""
        value = self._get(section, key)
        if value is None:
            return ""
        text = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
        try:
            return dt.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            self.fail(section, key, f"expected a date like 2026-03-01, found {value!r}")
            return ""

    def flag(self, section: str, key: str, default: bool) -> bool:
        value = self._get(section, key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(section, key, f"expected true or false, found {value!r}")
            return default
        return value

    def choice(self, section: str, key: str, allowed: tuple[str, ...]) -> str:
        value = self.text(section, key, allowed[0])
        if value not in allowed:
            self.fail(section, key, f"expected one of {', '.join(allowed)}, found {value!r}")
            return allowed[0]
        return value

    def lines(self, section: str, key: str) -> tuple[str, ...]:
        value = self._get(section, key)
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(line.strip() for line in value.splitlines() if line.strip())
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(v.strip() for v in value if v.strip())
        self.fail(section, key, "expected a list of address lines")
        return ()

    def mapping(self, section: str, key: str) -> dict[str, str]:
        value = self._get(section, key)
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            self.fail(section, key, 'expected lines like birth_year = "Born"')
            return {}
        return {str(k): v for k, v in value.items()}

    def pair(self, section: str, key: str, value: Any) -> tuple[float, float] | None:
        """Two numbers of millimetres, either sign (a printer's offset)."""
        if (isinstance(value, list) and len(value) == 2
                and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)):
            return (float(value[0]), float(value[1]))
        self.fail(section, key, f"expected [x, y] in millimetres, found {value!r}")
        return None

    def printers(self) -> dict[str, tuple[float, float]]:
        """Named printer profiles: ``[printers.NAME] back_offset_mm = [x, y]``."""
        found = {}
        for name, table in self._tables("printers").items():
            offset = self.pair(f"printers.{name}", "back_offset_mm",
                               table.get("back_offset_mm", [0, 0]))
            if offset is not None:
                found[name] = offset
        return found

    def offset(self, printers: dict[str, tuple[float, float]]) -> dict[str, Any]:
        """The back offset: ``[print] back_offset_mm``, else the named printer's."""
        printer = self.text("print", "printer", "")
        if printer and printer not in printers:
            have = ", ".join(printers) or "none defined"
            self.fail("print", "printer", f"no [printers.{printer}] section ({have})")
        value = self._get("print", "back_offset_mm")
        offset = self.pair("print", "back_offset_mm", value) if value is not None else None
        return {"printer": printer,
                "back_offset_mm": offset or printers.get(printer, (0.0, 0.0))}

    def layouts(self) -> dict[str, Layout]:
        """Custom grids: ``[layouts.NAME]`` with sheet, rows, columns, gaps and margins."""
        found = {}
        for name, table in self._tables("layouts").items():
            section = f"layouts.{name}"
            if name in LAYOUTS:
                self.fail(section, "name", f"{name!r} is a built-in layout; choose another name")
                continue
            try:
                sheet = parse_sheet(str(table.get("sheet", "A4")))
            except LayoutError as exc:
                self.fail(section, "sheet", exc.problems[0].message)
                continue
            counts = {k: table.get(k) for k in ("rows", "columns")}
            for key, value in counts.items():
                if value is not None and (not isinstance(value, int) or value < 1):
                    self.fail(section, key, f"expected a whole number from 1, found {value!r}")
                    counts[key] = None
            sizes = {k: self._mm(section, table, k) for k in
                     ("gap_mm", "margin_mm", "bleed_mm", "mark_mm") if k in table}
            found[name] = Layout(name, sheet, counts["rows"], counts["columns"], **sizes)
        return found

    def _tables(self, section: str) -> dict[str, dict[str, Any]]:
        value = self.data.get(section, {})
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            self.fail(section, "", f"expected [{section}.NAME] tables")
            return {}
        return value

    def _mm(self, section: str, table: dict[str, Any], key: str) -> float:
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            self.fail(section, key, f"expected a number of millimetres, found {value!r}")
            return 0.0
        return float(value)

    def unknown_keys(self) -> list[Problem]:
        """Warnings for keys we do not know: usually a typo that would silently not apply."""
        found = []
        for section, table in self.data.items():
            if section in _NAMED and isinstance(table, dict):
                found += self._unknown_named(section, table)
                continue
            known = _KNOWN.get(section)
            if known is None:
                found.append(Problem(f"unknown section [{section}]", file=self.name,
                                     warning=True))
                continue
            for key in table if isinstance(table, dict) else ():
                if key not in known:
                    found.append(Problem("unknown setting, ignored", file=self.name,
                                         column=f"{section}.{key}", warning=True))
        return found

    def _unknown_named(self, section: str, tables: dict[str, Any]) -> list[Problem]:
        return [Problem("unknown setting, ignored", file=self.name,
                        column=f"{section}.{name}.{key}", warning=True)
                for name, table in tables.items() if isinstance(table, dict)
                for key in table if key not in _NAMED[section]]

    def raise_if_wrong(self) -> None:
        if self.problems:
            raise InputError(self.problems)
