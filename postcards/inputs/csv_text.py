"""CSV files as Excel and LibreOffice save them: any encoding, any of four delimiters."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from postcards.errors import InputError, Problem

DELIMITERS = (",", ";", "\t", "|")  # on a tie the earlier one wins
Record = tuple[int, list[str]]  # (row number as the spreadsheet shows it, raw cells)

_ENCODING_HELP = 'cannot tell the encoding; save it as "CSV UTF-8" from Excel or LibreOffice'


_WORD = re.compile(r"[^\W\d_]+")  # a run of letters in any script


def read_csv(path: Path, name: str) -> tuple[list[Record], str, str]:
    """Decode, sniff the delimiter from the header line and split into records."""
    data = _read_bytes(path, name)
    encoding = _detect_encoding(data, name)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError(Problem(_ENCODING_HELP, file=name)) from None
    if "\x00" in text:  # UTF-16 without a BOM, or not a text file at all
        raise InputError(Problem(_ENCODING_HELP, file=name))
    delimiter = _sniff_delimiter(text, "\t" if path.suffix.lower() == ".tsv" else ",")
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records = list(enumerate(reader, 1))
    except csv.Error as exc:
        raise InputError(Problem(f"cannot read as CSV: {exc}", file=name)) from None
    return records, encoding, delimiter


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(f"cannot open: {exc.strerror}", file=name)) from None


def _detect_encoding(data: bytes, name: str) -> str:
    """Name the encoding of a CSV file: a BOM, else UTF-8, else cp1251 or cp1250.

    Excel saves "CSV" in the Windows code page of the computer: cp1251 on a Russian or
    Belarusian Windows, cp1250 on a Polish or Czech one; both decode any byte, so the
    choice rests on which one yields plausible words.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and _utf16_text(data):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    guess = _guess_code_page(data)
    if guess is None:
        raise InputError(Problem(_ENCODING_HELP, file=name))
    return guess


def _utf16_text(data: bytes) -> bool:
    """A UTF-16 BOM that starts real UTF-16 text, not cp1251 "юя" (the same two bytes).

    The rest must decode, and hold an ASCII character (a line end, a delimiter, a digit:
    any table of two rows has one) or only Latin and Cyrillic letters and punctuation;
    cp1251 bytes read in pairs give CJK, Hangul, Malayalam or private-use characters.
    """
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        return False
    if any(c.isascii() for c in text):
        return True
    return all(c <= "ԯ" or " " <= c <= "⅏" for c in text)


def _guess_code_page(data: bytes) -> str | None:
    """Pick cp1251 or cp1250 by counting plausible and implausible non-ASCII words.

    Cyrillic read as cp1250 gives words with no ASCII letter ("Ŕëĺńü"); Polish read as
    cp1251 gives Cyrillic letters inside Latin words ("Јukasz").  Short texts defeat
    statistical detectors, so we judge word shapes instead.
    """
    scores: dict[str, int] = {}
    checks: dict[str, Callable[[str], bool]] = {"cp1251": _cyrillic, "cp1250": _central}
    for encoding, plausible in checks.items():
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        words = Counter(w for w in _WORD.findall(text) if not w.isascii())
        score = sum(n if plausible(w) else -n for w, n in words.items())
        if score >= 0:
            scores[encoding] = score
    return max(scores, key=scores.__getitem__) if scores else None


def _cased(word: str) -> bool:
    """Capitalised, lower or upper case: a word read in the wrong code page often isn't."""
    return len(word) == 1 or word[1:].islower() or word.isupper()


def _cyrillic(word: str) -> bool:
    # Belarusian "і" is often typed as a Latin "i" on a Russian keyboard: "Лосiк".
    letters = word.replace("i", "").replace("I", "")
    return _cased(word) and bool(letters) and all("\u0400" <= c <= "\u04ff" for c in letters)


def _central(word: str) -> bool:
    latin = all(c.isascii() or "\u00c0" <= c <= "\u017f" for c in word)
    return _cased(word) and latin and any(c.isascii() for c in word)


def _sniff_delimiter(text: str, default: str = ",") -> str:
    """The most frequent of , ; tab | outside quotes in the header line.

    csv.Sniffer guesses from letter frequencies across lines and is fooled by addresses
    full of commas; the header line has no such cells.
    """
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "\r\n":
            break
        elif char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=counts.__getitem__)
    return best if counts[best] else default
