"""Carry requests and outcomes across the process boundary.

Frames are a 4-byte length and a pickle. A failure's rendering travels as
pytest's own report serialisation (``TestReport._to_json``), so the
assertion introspection computed in the worker is printed by the parent,
colours included; the exception object itself never has to pickle.
"""

from __future__ import annotations

import pickle
import socket
import struct
from typing import Any

from _pytest.reports import TestReport

from allgreen.dsl import CheckSpec
from allgreen.outcome import CheckOutcome

_HEADER = struct.Struct("!I")
# A write to a dead worker must be an error here, not a SIGPIPE for a host
# that restored the default action (Python ignores it, embedders may not).
_NO_SIGPIPE = getattr(socket, "MSG_NOSIGNAL", 0)


class ConnectionClosed(EOFError):
    """The other end closed the connection (the process died) before a whole frame came."""


def send(sock: socket.socket, message: object) -> None:
    """Write one message as a frame."""
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(payload)) + payload, _NO_SIGPIPE)


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    chunks, missing = [], size
    while missing:
        chunk = sock.recv(min(missing, 1 << 20))
        if not chunk:
            raise ConnectionClosed
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def receive(sock: socket.socket) -> Any:
    """Read one frame and return its message; raise :class:`ConnectionClosed` at EOF.

    The protocol has at most one frame in flight each way, so reading ahead in
    one ``recv`` (one system call for the usual small frame) takes nothing of the next.
    """
    buffer = sock.recv(1 << 16)
    if not buffer:
        raise ConnectionClosed
    if len(buffer) < _HEADER.size:
        buffer += _read_exactly(sock, _HEADER.size - len(buffer))
    (size,) = _HEADER.unpack_from(buffer)
    payload = buffer[_HEADER.size :]
    if len(payload) < size:
        payload += _read_exactly(sock, size - len(payload))
    return pickle.loads(payload)


def take_frames(buffer: bytearray) -> list[Any]:
    """Remove every complete frame from the start of ``buffer``; return their messages."""
    messages = []
    while len(buffer) >= _HEADER.size:
        (size,) = _HEADER.unpack_from(buffer)
        end = _HEADER.size + size
        if len(buffer) < end:
            break
        messages.append(pickle.loads(buffer[_HEADER.size : end]))
        del buffer[:end]
    return messages


def outcome_to_wire(outcome: CheckOutcome, spec: CheckSpec) -> dict[str, Any]:
    """Return ``outcome`` as plain data, its longrepr in pytest's serialised form."""
    report = None
    if outcome.longrepr is not None:
        report = TestReport(
            nodeid=spec.id,
            location=(spec.path, spec.lineno - 1, spec.id),
            keywords={},
            outcome="failed",
            longrepr=outcome.longrepr,
            when="call",
        )._to_json()
    observed = outcome.observed_value
    try:
        pickle.dumps(observed)
    except Exception:
        observed = repr(observed)
    return {
        "status": outcome.status,
        "duration": outcome.duration,
        "message": outcome.message,
        "detail": outcome.detail,
        "skip_reason": outcome.skip_reason,
        "observed_value": observed,
        "observed_unit": outcome.observed_unit,
        "report": report,
    }


def outcome_from_wire(data: dict[str, Any]) -> CheckOutcome:
    """Rebuild the :class:`CheckOutcome` that :func:`outcome_to_wire` sent."""
    report = data.pop("report", None)
    outcome = CheckOutcome(**data)
    if report is not None:
        outcome.longrepr = TestReport._from_json(report).longrepr
    return outcome
