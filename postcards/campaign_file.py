"""campaign.toml read and checked: every section and key known, every value in range.

A key that is not understood is an error naming the nearest valid one: a misspelt
setting must never be ignored the night before a print run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import tomllib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from postcards.config import MAX_BACK_OFFSET_MM, Limits, Settings, database_setting, office_problem
from postcards.errors import InputError, LayoutError, Problem, display_name
from postcards.page.geometry import parse_sheet
from postcards.page.layouts import DUPLEX_MODES, LAYOUTS, Layout
from postcards.return_addresses import TABLE, read_return_addresses

_KNOWN: dict[str, set[str]] = {
    "campaign": {
        "name",
        "hashtag",
        "url",
        "wave",
        "office",
        "return_address",
        "list_date",
        "godparenthood",
        "match_language",
    },
    "inputs": {"senders", "prisoners", "assignments", "max_cells", "max_megabytes"},
    "cards": {"design", "size", "language", "layout", "duplex", "bleed_mm", "crop_marks"},
    "qr": {"placement", "content", "url", "module_mm"},
    "check": {"list_max_age_days", "risky_words", "risky"},
    "tracking": {"database"},
    "senders": {"columns", "header_row"},
    "prisoners": {"columns", "header_row"},
    "print": {"back_offset_mm", "printer", "profile"},
    "posters": {"language", "size", "templates"},
}


#: Sections whose keys are names the campaign chooses: [layouts.NAME], [printers.NAME].
_NAMED: dict[str, set[str]] = {
    "layouts": {"sheet", "rows", "columns", "gap_mm", "margin_mm", "bleed_mm", "mark_mm"},
    "printers": {"back_offset_mm"},
}


def load_campaign(path: str | Path) -> Settings:
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


def _from_dict(data: dict[str, Any], path: Path) -> Settings:
    reader = _Reader(data, display_name(path))
    root = path.parent
    addresses, problems = read_return_addresses(data.get(TABLE), reader.name)
    reader.problems += problems

    campaign = Settings(
        root=root,
        source=path,
        name=reader.text("campaign", "name", Settings.name),
        hashtag=reader.text("campaign", "hashtag", ""),
        url=reader.text("campaign", "url", ""),
        wave=reader.text("campaign", "wave", Settings.wave),
        office=reader.office(),
        return_address=reader.lines("campaign", "return_address"),
        return_addresses=addresses,
        senders_path=_resolved(root, reader.text("inputs", "senders", "")),
        prisoners_path=_resolved(root, reader.text("inputs", "prisoners", "")),
        assignments_path=_resolved(root, reader.text("inputs", "assignments", "")),
        input_limits=reader.limits(),
        design=reader.text("cards", "design", Settings.design),
        size=reader.text("cards", "size", Settings.size),
        language=reader.text("cards", "language", Settings.language),
        layout=reader.text("cards", "layout", Settings.layout),
        bleed_mm=reader.number("cards", "bleed_mm", Settings.bleed_mm),
        crop_marks=reader.flag("cards", "crop_marks", Settings.crop_marks),
        duplex=reader.choice("cards", "duplex", DUPLEX_MODES),
        print_profile=_resolved(root, reader.text("print", "profile", "")),
        printers=reader.printers(),
        layouts=reader.layouts(),
        qr_placement=reader.choice("qr", "placement", ("card", "sheet")),
        qr_content=reader.choice("qr", "content", ("code", "url")),
        qr_url=reader.text("qr", "url", ""),
        qr_module_mm=reader.number("qr", "module_mm", Settings.qr_module_mm),
        database=database_setting(
            reader.text("tracking", "database", Settings.database),
            reader.problems.append,
            reader.name,
        ),
        sender_columns=reader.mapping("senders", "columns"),
        prisoner_columns=reader.mapping("prisoners", "columns"),
        sender_header_row=reader.row("senders", "header_row"),
        prisoner_header_row=reader.row("prisoners", "header_row"),
        list_date=reader.date("campaign", "list_date"),
        godparenthood=reader.flag("campaign", "godparenthood", False),
        match_language=reader.flag("campaign", "match_language", False),
        list_max_age_days=reader.days("check", "list_max_age_days"),
        risky=reader.choice("check", "risky", ("error", "warn")),
        risky_words=_resolved(root, reader.text("check", "risky_words", "")),
        poster_language=reader.text("posters", "language", Settings.poster_language),
        poster_size=reader.text("posters", "size", Settings.poster_size),
        poster_templates=_resolved(root, reader.text("posters", "templates", "")),
    )
    if campaign.qr_content == "url" and "{code}" not in campaign.qr_url:
        reader.fail("qr", "url", 'must contain {code} when content = "url"')
    campaign = replace(campaign, **reader.offset(campaign.printers))
    reader.unknown_keys()
    reader.raise_if_wrong()
    return campaign


def _nearest(name: str, valid: Iterable[str], shown: str) -> str:
    """The message's tail: ``; did you mean X?`` for the closest valid name, else the valid ones."""
    valid = sorted(valid)
    # 0.65, not difflib's 0.6: `tracker` still finds tracking, `ledger` no longer
    # suggests senders (a wrong hint is worse than the list).
    close = difflib.get_close_matches(name, valid, n=1, cutoff=0.65)
    if close:
        return f"; did you mean {shown.format(close[0])}?"
    return "; use one of " + ", ".join(shown.format(v) for v in valid)


def _resolved(root: Path, value: str) -> Path | None:
    return (root / value).resolve() if value else None


class _Reader:
    """Typed access to the TOML tables, collecting every wrong value before failing."""

    def __init__(self, data: dict[str, Any], name: str):
        self.data, self.name = data, name
        self.problems: list[Problem] = []

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

    def office(self) -> str:
        """[campaign] office: a short name, checked (an empty one is a mistake, not none)."""
        value = self._get("campaign", "office")
        text = value if isinstance(value, str) else ""
        problem = office_problem(text) if text == value else f"expected text, found {value!r}"
        if value is not None and problem:
            self.fail("campaign", "office", problem)
        return "" if problem else text

    def number(self, section: str, key: str, default: float) -> float:
        value = self._get(section, key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            self.fail(section, key, f"expected a number of millimetres, found {value!r}")
            return default
        return float(value)

    def limits(self) -> Limits:
        """[inputs] max_cells and max_megabytes: positive numbers, else the defaults."""
        found = {}
        for key in ("max_cells", "max_megabytes"):
            value = self._get("inputs", key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                self.fail("inputs", key, f"expected a positive number, found {value!r}")
            else:
                found[key] = int(value) if key == "max_cells" else float(value)
        return Limits(**found)  # type: ignore[arg-type]  # each key read as its own type

    def days(self, section: str, key: str) -> float | None:
        value = self._get(section, key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            self.fail(section, key, f"expected a number of days, found {value!r}")
            return None
        return float(value)

    def row(self, section: str, key: str) -> int | None:
        """A spreadsheet row number, 1 for the first row."""
        value = self._get(section, key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(section, key, f"expected a row number from 1, found {value!r}")
            return None
        return value

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

    def mapping(self, section: str, key: str) -> dict[str, str | tuple[str, ...]]:
        value = self._get(section, key)
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(  # a header, or headers (a name in three)
            isinstance(h, str) for v in value.values() for h in (v if isinstance(v, list) else [v])
        ):
            self.fail(section, key, 'expected lines like birth_year = "Born" or name = ["A", "B"]')
            return {}
        return {str(k): v if isinstance(v, str) else tuple(v) for k, v in value.items()}

    def pair(self, section: str, key: str, value: Any) -> tuple[float, float] | None:
        """Two numbers of millimetres, either sign, each at most MAX_BACK_OFFSET_MM.

        A printer's offset is a small correction; a larger one pushes the backs off the
        sheet (past the 5 mm margin marks and slug keep), so it is refused, not printed.
        """
        if not (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        ):
            self.fail(section, key, f"expected [x, y] in millimetres, found {value!r}")
            return None
        x, y = float(value[0]), float(value[1])
        if max(abs(x), abs(y)) > MAX_BACK_OFFSET_MM:
            message = (
                f"offset [{x:g}, {y:g}] mm is more than {MAX_BACK_OFFSET_MM:g} mm in x or y and "
                "would push the backs off the sheet; print calibrate again and measure, or fix "
                "the printer's paper guides"
            )
            self.fail(section, key, message)
            return None
        return (x, y)

    def printers(self) -> dict[str, tuple[float, float]]:
        """Named printer profiles: ``[printers.NAME] back_offset_mm = [x, y]``."""
        found = {}
        for name, table in self._tables("printers").items():
            offset = self.pair(
                f"printers.{name}", "back_offset_mm", table.get("back_offset_mm", [0, 0])
            )
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
        return {"printer": printer, "back_offset_mm": offset or printers.get(printer, (0.0, 0.0))}

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
            sizes: dict[str, Any] = {
                k: self._mm(section, table, k)
                for k in ("gap_mm", "margin_mm", "bleed_mm", "mark_mm")
                if k in table
            }
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

    def unknown_keys(self) -> None:
        """A section or key we do not know is an error naming the nearest valid one.

        A typo (``[card]``, ``sise``) would otherwise silently not apply.
        """
        for section, table in self.data.items():
            if section == TABLE:
                continue  # keys are parliaments' names, checked by read_return_addresses
            if section in _NAMED and isinstance(table, dict):
                for name, inner in table.items():
                    if isinstance(inner, dict):
                        self._unknown_in(f"{section}.{name}", inner, _NAMED[section])
                continue
            known = _KNOWN.get(section)
            if not isinstance(table, dict):
                self._outside(section)
            elif known is None:
                hint = _nearest(section, [*_KNOWN, *_NAMED, TABLE], "[{}]")
                self.problems.append(
                    Problem(f"unknown section{hint}", file=self.name, column=f"[{section}]")
                )
            else:
                self._unknown_in(section, table, known)

    def _outside(self, key: str) -> None:
        """A setting above the first [section]: TOML reads it as belonging to none."""
        homes = [f"[{section}] {key}" for section, keys in _KNOWN.items() if key in keys]
        hint = f"; put it under {' or '.join(homes)}" if homes else ""
        self.problems.append(
            Problem(f"a setting outside any [section]{hint}", file=self.name, column=key)
        )

    def _unknown_in(self, section: str, table: dict[str, Any], known: set[str]) -> None:
        for key in table:
            if key not in known:
                hint = _nearest(key, known, "{}")
                self.problems.append(
                    Problem(f"unknown setting{hint}", file=self.name, column=f"[{section}] {key}")
                )

    def raise_if_wrong(self) -> None:
        if self.problems:
            raise InputError(self.problems)
