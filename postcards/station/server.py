"""Starting the station: the token, the self-signed certificate, the join URL, uvicorn.

Library code: it returns what to tell the user (:class:`StationSetup`) and never prints; the CLI
prints.  uvicorn stops on Ctrl-C or SIGTERM after the requests in flight are answered,
and each scan is one committed transaction, so a stop loses none.  uvicorn runs with
:class:`ClientLimits`: slow or many clients are closed in time and bounded in number, and what
it logs about them is said once a minute, not once a connection.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import os
import secrets
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

from postcards.errors import UsageError

TLS_FOLDER = "station-tls"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
MIN_TOKEN = 16
"""Characters a token given with ``--token`` must have at least (a made one has 24)."""
ANY_ADDRESS = ("0.0.0.0", "::", "")


@dataclass(frozen=True)
class StationSetup:
    """How the station will listen, and what the people joining it need to know."""

    host: str
    port: int
    token: str
    cert: Path | None
    key: Path | None
    fingerprint: str

    @property
    def scheme(self) -> str:
        """``https`` with a certificate, else ``http``."""
        return "https" if self.cert else "http"

    def join_url(self) -> str:
        """The address to open (a phone on the office network: this machine's address)."""
        host = self.host
        if host in ("0.0.0.0", "::"):
            host = _lan_address()
        if ":" in host:
            host = f"[{host}]"
        query = f"?token={quote(self.token, safe='')}" if self.token else ""
        return f"{self.scheme}://{host}:{self.port}/scan{query}"

    @property
    def hosts(self) -> tuple[str, ...]:
        """The names the station answers to besides loopback and the address a request came in on.

        The address listened on, when it is a name; on every address (0.0.0.0, ::), this
        machine's host name and its ``.local`` name (mDNS).  An address is never needed here:
        a request naming the address it came in on always passes (the join URL's does).
        """
        if self.host in ANY_ADDRESS:
            name = socket.gethostname().lower().rstrip(".")
            return (name, f"{name}.local") if name else ()
        return (self.host,)


def check_token(token: str) -> None:
    """Refuse a token anyone could guess or that turns the check off (an empty one).

    Raises:
        UsageError: the token is empty, shorter than :data:`MIN_TOKEN` characters, or holds
            other than visible ASCII characters (it travels in a URL and a header).
    """
    fix = "or leave --token out and the station makes one"
    if not token:
        raise UsageError(f"--token is empty (an unset shell variable?): give a token of at "
                         f"least {MIN_TOKEN} characters, {fix}")  # fmt: skip
    if len(token) < MIN_TOKEN:
        size = f"{len(token)} character{'s' if len(token) > 1 else ''}"
        raise UsageError(f"--token is {size} long: give one of at least {MIN_TOKEN}, {fix}")
    if not (token.isascii() and token.isprintable()) or " " in token:
        raise UsageError(f"--token may hold visible ASCII characters only (no spaces), {fix}")


def station_setup(
    host: str, port: int, token: str | None, tls: bool, campaign_root: Path
) -> StationSetup:
    """The token (generated off localhost when not given) and the certificate.

    Raises:
        UsageError: a given token is empty or too short (:func:`check_token`).
    """
    if token is None:
        token = "" if host in LOCAL_HOSTS else secrets.token_urlsafe(18)
    else:
        check_token(token)
    cert = key = None
    fingerprint = ""
    if tls:
        cert, key = ensure_certificate(campaign_root / TLS_FOLDER, host)
        fingerprint = certificate_fingerprint(cert)
    return StationSetup(host, port, token, cert, key, fingerprint)


def ensure_certificate(folder: Path, host: str) -> tuple[Path, Path]:
    """A self-signed certificate kept in the campaign folder, made on first use.

    Phones that accepted it once keep accepting it.
    """
    cert, key = folder / "cert.pem", folder / "key.pem"
    if cert.exists() and key.exists():
        return cert, key
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "postcards station")])
    names: list[x509.GeneralName] = [x509.DNSName("localhost")]
    for address in {"127.0.0.1", _lan_address(), host}:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(address)))
        except ValueError:
            if address and address not in ("localhost",):
                names.append(x509.DNSName(address))
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(private.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=825))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(private, hashes.SHA256())
    )  # fmt: skip
    _write_new(key, private.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()), 0o600)  # fmt: skip
    _write_new(cert, certificate.public_bytes(serialization.Encoding.PEM), 0o644)
    return cert, key


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Write ``path`` as a new file with ``mode`` from its first byte, then move it in place.

    A file or link already at ``path`` is replaced, never written through: the key is never
    readable by others, not for a moment, and never lands where a planted link points.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(temporary, flags, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def certificate_fingerprint(cert: Path) -> str:
    """SHA-256 of the certificate, as browsers show it (AB:CD:…)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    der = x509.load_pem_x509_certificate(cert.read_bytes()).public_bytes(serialization.Encoding.DER)
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def terminal_qr(text: str) -> str:
    """A QR code of ``text`` drawn with half blocks, for a phone to read off the terminal.

    Two modules a character row, dark on a light quiet zone.
    """
    import zxingcpp

    image = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="L")
    matrix = image.to_image(scale=1, add_quiet_zones=False)
    size = matrix.shape[0]
    pixels = bytes(cast(Any, matrix))  # zxing-cpp's Image is a buffer (typed so from 3.12)
    quiet = 2
    full = size + 2 * quiet

    def dark(row: int, col: int) -> bool:
        r, c = row - quiet, col - quiet
        return 0 <= r < size and 0 <= c < size and pixels[r * size + c] == 0

    lines = []
    for row in range(0, full, 2):
        chars = []
        for col in range(full):
            top, bottom = not dark(row, col), not dark(row + 1, col)  # light = drawn
            chars.append("█" if top and bottom else "▀" if top else "▄" if bottom else " ")
        lines.append("".join(chars))
    return "\n".join(lines)


def _lan_address() -> str:
    """This machine's address on the office network (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


@dataclass(frozen=True)
class ClientLimits:
    """What the station takes from its clients, so that slow or many cannot take it down.

    Attributes:
        request: seconds a connection has, from its opening or the previous answer, to send
            its whole next request (line, headers, body); then it is closed.  A request
            being answered (an archive built) is never cut.
        keep_alive: seconds an idle connection is kept between requests.
        connections: open connections at most; past it, the one waiting longest for its
            request is closed to make room (never one whose request is being answered).
        requests: requests in flight at most (uvicorn's ``limit_concurrency``: past it, a
            503); uvicorn counts open connections too, so it is above ``connections``.
        head: bytes of a request line and headers at most (h11's); over it, a 400.
    """

    request: float = 10.0
    keep_alive: int = 5
    connections: int = 256
    requests: int = 320
    head: int = 8 * 1024


CLIENT_LIMITS = ClientLimits()
"""The limits ``serve`` runs with (and ``background`` by default)."""


def serve(app, setup: StationSetup, limits: ClientLimits = CLIENT_LIMITS) -> None:
    """Run until Ctrl-C or SIGTERM; the scans in flight are answered first."""
    import uvicorn

    _enough_files(4 * limits.connections)
    config = _config(
        app, setup.host, setup.port, limits, timeout_graceful_shutdown=10,
        ssl_certfile=str(setup.cert) if setup.cert else None,
        ssl_keyfile=str(setup.key) if setup.key else None,
    )  # fmt: skip
    # uvicorn stops gracefully on the signal, then raises it again for the handler it
    # found: a quiet one here, so that a stop is a normal end (exit 0), not a kill.
    import signal

    quiet = {sig: signal.signal(sig, lambda *_: None) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        uvicorn.Server(config).run()
    finally:
        for sig, handler in quiet.items():
            signal.signal(sig, handler)


@contextmanager
def background(
    app,
    host: str = "127.0.0.1",
    port: int = 0,
    limits: ClientLimits = CLIENT_LIMITS,
) -> Iterator[str]:
    """Serve ``app`` from a thread until the block ends; yields the base URL.

    For tests, the load bench, a script.  Port 0 takes a free one.
    """
    import threading

    import uvicorn

    with socket.socket() as probe:
        probe.bind((host, port))
        port = probe.getsockname()[1]
    server = uvicorn.Server(_config(app, host, port, limits))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the station did not start on {host}:{port}")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def _config(app, host: str, port: int, limits: ClientLimits, **more):
    """The station's uvicorn settings: h11 with :class:`ClientLimits`, logs said once a minute."""
    import uvicorn

    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False,
        http=_protocol(limits), ws="none", timeout_keep_alive=limits.keep_alive,
        limit_concurrency=limits.requests, h11_max_incomplete_event_size=limits.head, **more,
    )  # fmt: skip
    for name in ("uvicorn.error", "asyncio"):  # after Config, which sets logging up
        logger = logging.getLogger(name)
        if not any(isinstance(f, OncePerMinute) for f in logger.filters):
            logger.addFilter(OncePerMinute())
    return config


def _protocol(limits: ClientLimits) -> type:
    """The h11 protocol of uvicorn with a deadline for each request and a cap on connections."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Bounded(H11Protocol):
        deadline = None
        waiting_since = 0.0

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self.waiting_since = self.loop.time()
            self._arm()
            open_ = [c for c in self.connections if not c.transport.is_closing()]
            if len(open_) > limits.connections:  # make room: close the longest waiting
                waiting = [c for c in open_ if isinstance(c, Bounded) and c.waiting()]
                min(waiting, key=lambda c: c.waiting_since, default=self).transport.abort()

        def waiting(self) -> bool:
            """True until the whole request is in: no request yet, or its body coming."""
            cycle = self.cycle
            return cycle is None or cycle.response_complete or cycle.more_body

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self.waiting_since = self.loop.time()
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if self.deadline is not None:
                self.deadline.cancel()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self.deadline is not None:
                self.deadline.cancel()
            self.deadline = self.loop.call_later(limits.request, self._expire)

        def _expire(self) -> None:
            self.deadline = None
            if self.waiting() and not self.transport.is_closing():
                self.transport.abort()

    return Bounded


class OncePerMinute(logging.Filter):
    """Lets each message through once a minute, saying how many like it were held back.

    uvicorn logs a warning for each bad request ("Invalid HTTP request received.") and
    each over its limits: a flood of them would otherwise flood the terminal.
    """

    def __init__(self, every: float = 60.0):
        super().__init__()
        self.every = every
        self.seen: dict[str, tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        """True for the first of its message in a minute."""
        key, now = str(record.msg), time.monotonic()
        last, held = self.seen.get(key, (now - self.every, 0))
        if now - last < self.every:
            self.seen[key] = (last, held + 1)
            return False
        self.seen[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} ({held} more like it held back)"
        return True


def _enough_files(needed: int) -> None:
    """Raise the open-file limit to ``needed`` where allowed (macOS starts at 256)."""
    try:
        import resource
    except ImportError:  # Windows: no such limit to raise
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        with suppress(ValueError, OSError):
            top = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
            resource.setrlimit(resource.RLIMIT_NOFILE, (top, hard))
