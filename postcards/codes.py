"""Card codes: 8 random Crockford base32 characters and 1 check character.

A code is what staff scan or type to record a card's fate, so it must survive a sloppy
scanner, a tired volunteer and a QR alphanumeric symbol.  It is stored and put in the QR
code as ``K7M2QX9DR`` and printed as ``K7M2-QX9D-R``.  It is random (never sequential, so
nobody can guess the codes of other cards) and holds no personal data.

The check character treats each symbol as an element of GF(32): the field of 5-bit
values modulo the primitive polynomial x^5 + x^2 + 1, where addition is XOR.  Body
character *i* (0-based) is weighted by alpha^(i+1), alpha being the generator x (= 2),
and the check character is the sum (XOR) of the weighted values, so that a whole code
satisfies ``sum(w_i * v_i) == 0`` with the check character weighted by alpha^0 = 1.

* A single substitution changes the sum by ``w_i * e`` with ``e != 0``; a field has no
  zero divisors, so the sum cannot stay 0.
* Swapping two different characters at positions *i* and *j* changes the sum by
  ``(w_i + w_j) * (v_i + v_j)``; both factors are non-zero because the weights
  alpha^0 .. alpha^8 are distinct (alpha has order 31), so the sum cannot stay 0.

Crockford's own mod-37 check symbols (``*~$=U``) are not used: a QR alphanumeric symbol
cannot hold ``~`` or ``=``.
"""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import overload

from postcards.errors import InputError

#: The code ``check`` plans cards with: no card ever gets it (new codes are random).
PLACEHOLDER_CODE = "000000000"
#: What a proof's QR code and printed code start with (``PROOF-0001``): never a card's.
PROOF_PREFIX = "PROOF-"

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford base32: digits and letters without I, L, O and U."""

BODY_LENGTH = 8
CODE_LENGTH = BODY_LENGTH + 1
EXAMPLE = "K7M2-QX9D-R"
"""A code as printed, for messages that show what a code looks like."""

_POLYNOMIAL = 0b100101  # x^5 + x^2 + 1, primitive over GF(2)
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
_CANONICAL = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")

# What people and scanners type instead of the canonical form: lower case, and the
# look-alikes Crockford decodes on purpose (O -> 0, I and L -> 1).  ASCII only, so that
# e.g. the Turkish dotless i is refused rather than silently upper-cased into "I".
_LOOK_ALIKES = {"O": "0", "I": "1", "L": "1"}
_NORMALISE = str.maketrans(
    {
        **{c.lower(): _LOOK_ALIKES.get(c, c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
        **_LOOK_ALIKES,
    }
)
# Separators people put into a code: spaces of any kind are handled by str.split(); these
# are the hyphen and the dashes a word processor may turn it into.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_SHOWN_MAX = 40


class CodeError(InputError):
    """Text that is not a card code; the message says why."""


def _gf_mul(a: int, b: int) -> int:
    """Multiply two elements of GF(32) (shift-and-add, reducing by the polynomial)."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= _POLYNOMIAL
    return product


def _weights(count: int) -> tuple[int, ...]:
    """alpha^1 .. alpha^count: one distinct non-zero weight per body position."""
    weights, power = [], 1
    for _ in range(count):
        power = _gf_mul(power, 2)
        weights.append(power)
    return tuple(weights)


_WEIGHTS = _weights(BODY_LENGTH)
#: Each body position's weighted value of each character, so a check is 8 look-ups.
_WEIGHTED = tuple(
    {char: _gf_mul(weight, value) for char, value in _VALUE.items()} for weight in _WEIGHTS
)


def check_char(body: str) -> str:
    """The check character for a code body of 8 alphabet characters.

    Raises:
        ValueError: the body is not 8 characters of :data:`ALPHABET` (a programming
            error: user input goes through :func:`parse_code`).
    """
    if len(body) != BODY_LENGTH or any(c not in _VALUE for c in body):
        raise ValueError(f"a code body is {BODY_LENGTH} characters of {ALPHABET}: {body!r}")
    return _check(body)


def _check(code: str) -> str:
    """The check character of a code's body (its first 8 characters, of the alphabet)."""
    total = 0
    for weighted, char in zip(_WEIGHTED, code, strict=False):  # stops after the body
        total ^= weighted[char]
    return ALPHABET[total]


def new_code(rng: random.Random | None = None) -> str:
    """A new random code in canonical form, e.g. ``K7M2QX9DR``.

    Args:
        rng: a seeded generator for reproducible tests; by default the operating system's
            cryptographic source, so that codes cannot be predicted from one another.
    """
    if rng is None:
        return _random_codes(1)[0]
    while True:
        body = "".join(rng.choice(ALPHABET) for _ in range(BODY_LENGTH))
        code = body + check_char(body)
        if code != PLACEHOLDER_CODE:
            return code


#: A random byte's low five bits as a character of the alphabet (256 = 8 x 32: uniform).
_FROM_BYTE = bytes(ord(ALPHABET[byte & 31]) for byte in range(256))


def _random_codes(count: int) -> list[str]:
    """``count`` codes from the operating system's cryptographic source, 40 random bits each.

    One call for all of them and one translation in C: a print run's 100,000 codes take
    a few hundredths of a second (one call a code took over a second).
    """
    text = secrets.token_bytes(BODY_LENGTH * count).translate(_FROM_BYTE).decode("ascii")
    codes = []
    for start in range(0, len(text), BODY_LENGTH):
        body = text[start : start + BODY_LENGTH]
        code = body + _check(body)
        if code != PLACEHOLDER_CODE:
            codes.append(code)
    return codes or _random_codes(count)


def fresh_codes(
    count: int,
    taken: set[str],
    existing: Callable[[Sequence[str]], set[str]] | None = None,
) -> list[str]:
    """``count`` new random codes, none in ``taken`` (which they join) nor ``existing``.

    ``existing`` (the ledger's lookup) is asked about all of them at once, and again only
    about those drawn anew because it had them: a print run's 100,000 codes cost a few
    hundred queries, not one each.
    """
    codes = [""] * count
    redraw = list(range(count))
    while redraw:
        for index, code in zip(redraw, _untaken(len(redraw), taken), strict=True):
            codes[index] = code
        clash = existing([codes[i] for i in redraw]) if existing is not None else set()
        redraw = [index for index in redraw if codes[index] in clash]
    return codes


def _untaken(count: int, taken: set[str]) -> list[str]:
    """``count`` new codes, none in ``taken``, which they join."""
    codes: list[str] = []
    while len(codes) < count:
        for code in _random_codes(count - len(codes)):
            if code not in taken:
                taken.add(code)
                codes.append(code)
    return codes


def is_valid(code: str) -> bool:
    """True for a code in canonical form (9 upper-case characters) with a correct check.

    A print run checks 100,000 of them: one match for the form, eight look-ups for the check.
    """
    if not isinstance(code, str) or _CANONICAL.fullmatch(code) is None:
        return False
    return _check(code) == code[BODY_LENGTH]


def format_code(code: str) -> str:
    """The printed form: ``K7M2QX9DR`` -> ``K7M2-QX9D-R`` (a proof's code as it is)."""
    if code.startswith(PROOF_PREFIX):
        return code
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def proof_code(number: int) -> str:
    """The stand-in code of a proof's ``number``-th card, ``PROOF-0001``.

    A proof takes no code from the ledger; :func:`parse_code` refuses this one, so a proof
    scanned by mistake is named as a proof and records nothing.
    """
    return f"{PROOF_PREFIX}{number:04d}"


def parse_code(text: str) -> str:
    """The canonical code in what a scanner read or a person typed.

    Accepts surrounding and inner spaces, hyphens, lower case, the look-alikes O (zero)
    and I, L (one), and a URL ending in the code (its last non-empty path segment; query
    and fragment are ignored).

    Raises:
        CodeError: the text is empty, has a character that is not in a card code, has
            the wrong number of characters, or its check character is wrong; or it is
            a proof's code (:func:`proof_code`).
    """
    shown = _shown(text)
    typed = "".join(_strip_url(text.strip()).split())
    if typed.upper().startswith(PROOF_PREFIX):
        raise CodeError(f"{shown}: the code of a proof (postcards proof), not of a card")
    typed = "".join(c for c in typed if c not in _DASHES)
    if not typed:
        raise CodeError(f"empty: expected a card code like {EXAMPLE}")
    for char in typed:
        if char.translate(_NORMALISE) not in _VALUE:
            raise CodeError(f"{shown}: {char!r} is not a character in a card code")
    if len(typed) != CODE_LENGTH:
        raise CodeError(
            f"{shown}: found {_characters(len(typed))}, expected {CODE_LENGTH} "
            f"(a card code looks like {EXAMPLE})"
        )
    code = typed.translate(_NORMALISE)
    if not is_valid(code):
        raise CodeError(f"{shown}: check character wrong: a mistyped or misread code")
    return code


def _strip_url(text: str) -> str:
    """The last non-empty path segment when the text looks like a URL or a path.

    Split by hand rather than with urllib, which raises on malformed hosts; the scheme
    and host are segments too, but never the last one when a code follows them.
    """
    if "/" not in text:
        return text
    path = text.split("#", 1)[0].split("?", 1)[0]
    segments = [s for s in path.split("/") if s.strip()]
    return segments[-1] if segments else ""


def _shown(text: str) -> str:
    """The user's text as quoted in a message, shortened when a scanner sent a lot."""
    text = text.strip()
    if len(text) > _SHOWN_MAX:
        text = text[: _SHOWN_MAX - 1] + "\u2026"
    return repr(text)


def _characters(count: int) -> str:
    return "1 character" if count == 1 else f"{count} characters"


def is_url(text: str) -> bool:
    """True when a scanned line is a URL (or a path) rather than a bare code."""
    return "/" in text


def code_in_url(text: str, pattern: str) -> str:
    """The code a scanned URL carries, when the URL is the campaign's ``[qr] url``.

    A URL of another host or path is refused: it is not this campaign's card, and taking
    its last segment would record whatever a stranger's QR code says.

    Args:
        text: the scanned line, a URL.
        pattern: the campaign's URL with ``{code}``, e.g. ``https://example.org/c/{code}``.

    Raises:
        CodeError: the campaign has no URL, or the URL is not its pattern; or the code in
            it is not a code (see :func:`parse_code`).
    """
    shown = _shown(text)
    if "{code}" not in pattern:
        raise CodeError(
            f"{shown}: a URL, but this campaign's cards carry none ([qr] url "
            "is not set); scan or type the code"
        )
    prefix, _, suffix = pattern.partition("{code}")
    base = text.strip().split("#", 1)[0].split("?", 1)[0].rstrip("/")
    tail = suffix.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    middle = base[len(prefix) : len(base) - len(tail)] if tail else base[len(prefix) :]
    if (
        not base.lower().startswith(prefix.lower())
        or not base.lower().endswith(tail.lower())
        or "/" in middle
        or not middle
    ):
        raise CodeError(
            f"{shown}: {_url_difference(base, prefix)}; this campaign's cards "
            f"carry {pattern.replace('{code}', '<code>')}"
        )
    return parse_code(middle)


def _url_difference(url: str, prefix: str) -> str:
    """Says how a URL differs from the campaign's: another host, or another path."""
    ours, theirs = _host(prefix), _host(url)
    if ours != theirs:
        return f"a URL of another site ({theirs or 'no host'}, not {ours or 'no host'})"
    return "a URL of another path on this site"


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class CodeList(Sequence[str]):
    """A print run's codes, in order, packed: 9 bytes a card in one buffer.

    A run of 100,000 cards keeps its codes from pairing to the ledger; as 100,000 strings in
    a list they cost 6.6 MB, here 0.9 MB.  A code that is not 9 ASCII characters (an old
    ledger's, say) is kept as it is beside the buffer, so nothing is ever changed or lost.
    """

    def __init__(self, codes: Iterable[str] = ()) -> None:
        self._packed = bytearray()
        self._count = 0
        self._odd: dict[int, str] = {}  # codes that do not pack, by position
        for code in codes:
            self.append(code)

    def append(self, code: str) -> None:
        """Add ``code`` at the end."""
        if len(code) == CODE_LENGTH and code.isascii():
            self._packed += code.encode("ascii")
        else:
            self._odd[self._count] = code
            self._packed += bytes(CODE_LENGTH)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("code index out of range")
        return self._at(index)

    def __iter__(self) -> Iterator[str]:
        return map(self._at, range(self._count))

    def _at(self, index: int) -> str:
        odd = self._odd.get(index)
        if odd is not None:
            return odd
        return self._packed[index * CODE_LENGTH : (index + 1) * CODE_LENGTH].decode("ascii")
