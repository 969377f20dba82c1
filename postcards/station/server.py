"""Starting the station: the token, the self-signed certificate, the join URL, uvicorn.

Library code: it returns what to tell the user (:class:`Plan`) and never prints; the CLI
prints.  uvicorn stops on Ctrl-C or SIGTERM after the requests in flight are answered,
and each scan is one committed transaction, so a stop loses none.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TLS_FOLDER = "station-tls"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Plan:
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
        query = f"?token={self.token}" if self.token else ""
        return f"{self.scheme}://{host}:{self.port}/scan{query}"


def plan(host: str, port: int, token: str | None, tls: bool, campaign_root: Path) -> Plan:
    """The token (generated off localhost when not given) and the certificate."""
    if token is None:
        token = "" if host in LOCAL_HOSTS else secrets.token_urlsafe(18)
    cert = key = None
    fingerprint = ""
    if tls:
        cert, key = ensure_certificate(campaign_root / TLS_FOLDER, host)
        fingerprint = certificate_fingerprint(cert)
    return Plan(host, port, token, cert, key, fingerprint)


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
    key.write_bytes(private.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))  # fmt: skip
    key.chmod(0o600)
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return cert, key


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
    pixels = bytes(matrix)  # type: ignore[call-overload]  # zxing-cpp's Image is a buffer
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


def serve(app, plan: Plan) -> None:
    """Run until Ctrl-C or SIGTERM; the scans in flight are answered first."""
    import uvicorn

    config = uvicorn.Config(
        app, host=plan.host, port=plan.port, log_level="warning", access_log=False,
        ssl_certfile=str(plan.cert) if plan.cert else None,
        ssl_keyfile=str(plan.key) if plan.key else None, timeout_graceful_shutdown=10,
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
def background(app, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` from a thread until the block ends; yields the base URL.

    For tests, the load bench, a script.  Port 0 takes a free one.
    """
    import threading

    import uvicorn

    with socket.socket() as probe:
        probe.bind((host, port))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                            access_log=False)  # fmt: skip
    server = uvicorn.Server(config)
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
