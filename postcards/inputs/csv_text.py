"""CSV files as Excel and LibreOffice save them: any encoding, any of four delimiters."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from postcards.errors import InputError, Problem
from postcards.inputs.cells import Record

DELIMITERS = (",", ";", "\t", "|")  # on a tie the earlier one wins

_ENCODING_HELP = 'cannot tell the encoding; save it as "CSV UTF-8" from Excel or LibreOffice'


_WORD = re.compile(r"[^\W\d_]+")  # a run of letters in any script


def read_csv(path: Path, name: str) -> tuple[Iterator[Record], str, str]:
    """Name the encoding, sniff the delimiter from the header line, and stream the records.

    The file is read twice, a block at a time: once to check its encoding, then row by
    row as the caller takes the records, so a list of 100,000 rows is never held whole.
    """
    encoding, text = _encoding(path, name)
    if text is not None:  # a code page or UTF-16: the whole text is decoded already
        delimiter = _sniff_delimiter(text, _default_delimiter(path))
        lines: IO[str] = io.StringIO(text, newline="")
    else:
        lines = _open_text(path, name, encoding)
        delimiter = _sniff_delimiter(lines.read(_BLOCK), _default_delimiter(path))
        lines.seek(0)
    return _records(lines, name, delimiter), encoding, delimiter


#: How much of a file is read at a time while checking its encoding.
_BLOCK = 1 << 20


def _default_delimiter(path: Path) -> str:
    return "\t" if path.suffix.lower() == ".tsv" else ","


def _records(lines: IO[str], name: str, delimiter: str) -> Iterator[Record]:
    """The numbered records of a CSV text; the file is closed when they end (or are dropped)."""
    with lines:
        try:
            yield from enumerate(csv.reader(lines, delimiter=delimiter), 1)
        except csv.Error as exc:
            raise InputError(Problem(f"cannot read as CSV: {exc}", file=name)) from None


def _open_text(path: Path, name: str, encoding: str) -> IO[str]:
    try:
        return open(path, encoding=encoding, newline="")  # noqa: SIM115 - closed by _records
    except OSError as exc:
        raise InputError(Problem(f"cannot open: {exc.strerror}", file=name)) from None


def _encoding(path: Path, name: str) -> tuple[str, str | None]:
    """The file's encoding, and its whole text when it had to be decoded to tell.

    UTF-8 (the usual case) is checked a block at a time and streamed afterwards; a file
    in a Windows code page, or in UTF-16, is decoded whole.
    """
    try:
        with open(path, "rb") as handle:
            first = handle.read(_BLOCK)
            if not first.startswith(_BOMS) and _utf8_blocks(first, handle):
                return ("utf-8-sig" if first.startswith(codecs.BOM_UTF8) else "utf-8"), None
            data = first + handle.read()
    except OSError as exc:
        raise InputError(Problem(f"cannot open: {exc.strerror}", file=name)) from None
    encoding = _detect_encoding(data, name)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError(Problem(_ENCODING_HELP, file=name)) from None
    if "\x00" in text:  # UTF-16 without a BOM, or not a text file at all
        raise InputError(Problem(_ENCODING_HELP, file=name))
    return encoding, text


_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _utf8_blocks(first: bytes, handle: IO[bytes]) -> bool:
    """Whether the file is UTF-8 without a NUL, read on from ``first`` a block at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    block = first
    try:
        while block:
            if b"\x00" in block:
                return False
            decoder.decode(block)
            block = handle.read(_BLOCK)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        handle.seek(len(first))
    return True


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
