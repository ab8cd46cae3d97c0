"""Addresses: the room's network address, a free port, the URL to open and its QR code."""

from __future__ import annotations

import io
import ipaddress
import socket

from kit.present.options import PresentError


def is_loopback(ip: str) -> bool:
    """True for an address only this machine can reach (127.0.0.1, ::1).

    >>> is_loopback("127.0.0.1"), is_loopback("192.168.1.20")
    (True, False)
    """
    return ipaddress.ip_address(ip).is_loopback


def room_address() -> str:
    """Find this machine's IPv4 address on the local network, for participants' laptops.

    The address of the default route if there is one (found without sending a packet),
    else the first private address of a network interface (an offline room on a hotspot).

    Raises
    ------
    PresentError
        When the machine has no network address besides loopback.
    """
    import psutil

    candidates = [
        addr.address
        for addrs in psutil.net_if_addrs().values()
        for addr in addrs
        if addr.family == socket.AF_INET and _reachable_by_room(addr.address)
    ]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1; a UDP connect sends nothing
            routed = probe.getsockname()[0]
        except OSError:
            routed = None
    if routed and _reachable_by_room(routed):
        return routed
    private = [a for a in candidates if ipaddress.ip_address(a).is_private]
    if private or candidates:
        return (private or candidates)[0]
    raise PresentError(
        "this machine has no network address for the room; join the room's Wi-Fi "
        "(or pass --ip with the address participants can reach)"
    )


def _reachable_by_room(ip: str) -> bool:
    address = ipaddress.ip_address(ip)
    return not (address.is_loopback or address.is_link_local or address.is_unspecified)


def check_port(ip: str, port: int) -> int:
    """Make sure ``ip:port`` can be listened on; return the port (a free one for 0).

    Raises
    ------
    PresentError
        When the port is taken or the address is not this machine's.
    """
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((ip, port))
        except OSError as error:
            if port and error.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
                raise PresentError(
                    f"port {port} on {ip} is in use (is `kit present` already running?); "
                    "choose another with --port"
                ) from None
            raise PresentError(f"cannot listen on {ip}:{port}: {error.strerror}") from None
        return sock.getsockname()[1]


def url_for(ip: str, port: int, path: str = "/") -> str:
    """The address a browser opens.

    >>> url_for("127.0.0.1", 8866)
    'http://127.0.0.1:8866/'
    """
    host = f"[{ip}]" if ":" in ip else ip
    return f"http://{host}:{port}{path}"


def qr_code(text: str) -> str:
    """``text`` as a QR code drawn with block characters, for a terminal.

    Light modules are drawn, so the code reads right on a dark terminal.
    """
    import qrcode

    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_L)
    code.add_data(text)
    code.make(fit=True)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue()
