"""tls_certificate_valid against a local TLS server with certificates the test makes."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from allgreen import checks
from allgreen.checks.tls import EXPIRED, EXPIRES_SOON

x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

NOW = dt.datetime.now(dt.timezone.utc)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


class Authority:
    """A throw-away certificate authority that signs server certificates for 127.0.0.1."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name("allgreen test CA"))
            .issuer_name(_name("allgreen test CA"))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - dt.timedelta(days=800))
            .not_valid_after(NOW + dt.timedelta(days=800))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.cafile = directory / "ca.pem"
        self.cafile.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, name: str, not_before: dt.datetime, not_after: dt.datetime) -> ssl.SSLContext:
        """Return a server context whose certificate for 127.0.0.1 is valid between the dates."""
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name("127.0.0.1"))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )
        certfile, keyfile = self.directory / f"{name}.pem", self.directory / f"{name}.key"
        certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        keyfile.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certfile, keyfile)
        return context


@contextlib.contextmanager
def tls_server(context: ssl.SSLContext) -> Iterator[int]:
    """Serve TLS handshakes on a free port until the block ends; yield the port."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            conn.settimeout(2)
            # A client that rejects the certificate aborts the handshake: that is fine.
            with contextlib.suppress(OSError), context.wrap_socket(conn, server_side=True):
                pass
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        listener.close()


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    return Authority(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def serve(authority: Authority) -> Callable[..., contextlib.AbstractContextManager[int]]:
    def start(name: str, days_left: float) -> contextlib.AbstractContextManager[int]:
        not_after = NOW + dt.timedelta(days=days_left)
        return tls_server(authority.issue(name, not_after - dt.timedelta(days=90), not_after))

    return start


def test_tls_certificate_valid__passes_with_days_left(authority, serve, run_check) -> None:
    with serve("valid", days_left=60) as port:
        ran = run_check(
            checks.tls_certificate_valid, "127.0.0.1", port, cafile=str(authority.cafile)
        )
    assert ran.status == "passed", ran.message
    assert ran.outcome.observed_value == pytest.approx(60, abs=0.2)
    assert ran.result.observed_unit == "days"


def test_tls_certificate_valid__too_few_days_left_fails(authority, serve, run_check) -> None:
    with serve("soon", days_left=5) as port:
        ran = run_check(
            checks.tls_certificate_valid,
            "127.0.0.1",
            port,
            min_days=14,
            cafile=str(authority.cafile),
        )
    assert ran.status == "failed"
    days = ran.outcome.observed_value
    assert days == pytest.approx(5, abs=0.2)
    expires = (NOW + dt.timedelta(days=5)).date()
    assert ran.message == EXPIRES_SOON.format(
        where=f"127.0.0.1:{port}", expires=expires, days=days, min_days=14
    )


def test_tls_certificate_valid__expired_certificate_fails(authority, serve, run_check) -> None:
    with serve("expired", days_left=-3) as port:
        ran = run_check(
            checks.tls_certificate_valid, "127.0.0.1", port, cafile=str(authority.cafile)
        )
    assert ran.status == "failed"
    assert ran.outcome.observed_value == pytest.approx(-3, abs=0.2)
    expires = (NOW - dt.timedelta(days=3)).date()
    assert ran.message == EXPIRED.format(
        where=f"127.0.0.1:{port}", expires=expires, days=-ran.outcome.observed_value
    )


def test_tls_certificate_valid__untrusted_authority_fails(serve, run_check) -> None:
    with serve("untrusted", days_left=60) as port:
        ran = run_check(checks.tls_certificate_valid, "127.0.0.1", port)  # system CAs only
    assert ran.status == "failed"
    assert ran.message.startswith(f"the TLS certificate of 127.0.0.1:{port} is not valid: ")
    assert "unable to get local issuer certificate" in ran.message


def test_tls_certificate_valid__wrong_port_is_an_error(closed_port: int, run_check) -> None:
    ran = run_check(checks.tls_certificate_valid, "127.0.0.1", closed_port)
    assert ran.status == "error"
    assert (
        ran.message
        == f"Unable to connect to TLS server at 127.0.0.1:{closed_port}: connection refused"
    )


def test_tls_certificate_valid__silent_server_times_out(silent_server, run_check) -> None:
    host, port = silent_server
    ran = run_check(checks.tls_certificate_valid, host, port, timeout=0.2)
    assert ran.status == "error"
    assert (
        ran.message == f"Unable to connect to TLS server at {host}:{port}: no answer within 0.2 s"
    )
