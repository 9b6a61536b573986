"""Nothing leaves the machine (issue 16, item 7): an image export and a page session run
under ``strace``, and every connection and send they make is checked.

A UDP ``connect`` sends nothing (Chrome uses one to learn whether IPv6 is routed); a DNS
query, a TCP connection or a datagram sent to any address but loopback is a leak.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PORT = 8611  # this test's own port: never the page's usual 8501
LOOPBACK = re.compile(r'inet_addr\("127\.|"::1"|"::ffff:127\.|\b127\.\d+\.\d+\.\d+:|\[::1\]:')
SOCKET_CALLS = "trace=connect,sendto,sendmsg,sendmmsg"


def _strace_works() -> str | None:
    if shutil.which("strace") is None:
        return "strace is not installed (Debian: apt-get install strace)"
    probe = subprocess.run(["strace", "-qq", "-o", os.devnull, "true"], check=False)
    return None if probe.returncode == 0 else "strace cannot trace here (ptrace not permitted)"


pytestmark = pytest.mark.skipif(_strace_works() is not None, reason=str(_strace_works()))


def traced(log: Path) -> list[str]:
    """The command prefix that records every socket call of a process and its children."""
    return ["strace", "-f", "-qq", "-yy", "-e", SOCKET_CALLS, "-e", "signal=none", "-o", str(log)]


def leaks(log: str) -> list[str]:
    """Socket calls in an strace log that reach past this machine."""
    found = []
    for line in log.splitlines():
        call = re.search(r"\b(connect|sendto|sendmsg|sendmmsg)\(\d+<(TCP|UDP)v?6?:([^>]*)>", line)
        if not call:
            continue
        name, protocol, ends = call.groups()
        if "htons(53)" in line or re.search(r":53\]", ends):
            found.append(line)  # a name looked up
        elif name == "connect" and protocol == "TCP" and not LOOPBACK.search(line):
            found.append(line)
        elif name != "connect" and "->" in ends and not LOOPBACK.search(ends.split("->")[1]):
            found.append(line)  # sent on a connected socket
        elif name != "connect" and "sa_family=AF_INET" in line and not LOOPBACK.search(line):
            found.append(line)  # sent to an address given with the datagram
    return found


def test_the_checker_sees_a_lookup_and_a_connection(tmp_path):
    log = tmp_path / "probe.log"
    script = (
        "import socket\n"
        "try: socket.create_connection(('192.0.2.1', 80), timeout=0.2)\n"
        "except OSError: pass\n"
        "try: socket.getaddrinfo('example.invalid', 80)\n"
        "except OSError: pass\n"
    )
    subprocess.run([*traced(log), sys.executable, "-c", script], check=True)
    found = leaks(log.read_text())
    assert any("192.0.2.1" in line for line in found)  # TEST-NET-1: never answered
    assert any("htons(53)" in line for line in found)  # the name looked up


def test_an_image_export_sends_nothing_off_the_machine(tmp_path):
    log, out = tmp_path / "export.log", tmp_path / "out"
    export = (
        "import sys; from timeline.cli import main; "
        f"sys.exit(main(['export', 'data/sjia-mas-ruxolitinib', '--out', {str(out)!r}, "
        "'--format', 'png,svg,pdf']))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [*traced(log), sys.executable, "-c", export],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode == 1 and "Chrome" in run.stderr:
        pytest.skip("no Chrome to export images with")
    assert run.returncode == 0, run.stderr
    assert {p.suffix for p in out.iterdir()} >= {".pdf", ".png", ".svg"}
    text = log.read_text()
    assert "connect(" in text  # Chrome was traced (it connects to nothing, yet probes)
    assert leaks(text) == []


async def _session(origin: str) -> str:
    """Open the page over its websocket as a browser would, run the script; its outcome."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    url = f"ws://127.0.0.1:{PORT}/_stcore/stream"
    try:
        async with websockets.connect(url, origin=origin, subprotocols=["streamlit"]) as ws:
            rerun = BackMsg()
            rerun.rerun_script.query_string = ""
            await ws.send(rerun.SerializeToString())
            while True:
                message = ForwardMsg()
                message.ParseFromString(await asyncio.wait_for(ws.recv(), 120))
                if message.WhichOneof("type") == "script_finished":
                    return "ran"
    except websockets.exceptions.InvalidStatus as exc:
        return f"refused {exc.response.status_code}"
    except websockets.exceptions.ConnectionClosed as exc:
        return f"closed {exc.rcvd.code if exc.rcvd else ''}"


def _wait_for_health(server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server stopped"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail("the server did not start within 90 s")


def test_a_page_session_and_a_foreign_origin_send_nothing_off_the_machine(tmp_path):
    log = tmp_path / "page.log"
    streamlit = [sys.executable, "-m", "streamlit", "run", "app.py"]
    flags = [f"--server.port={PORT}", "--server.headless=true", "--server.fileWatcherType=none"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(  # its own process group, ended below by its id
        [*traced(log), *streamlit, *flags],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for_health(server)
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=10) as page:
            assert page.status == 200
        assert asyncio.run(_session(f"http://127.0.0.1:{PORT}")) == "ran"
        foreign = asyncio.run(_session("http://attacker.example"))
        assert foreign.startswith(("refused", "closed"))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    text = log.read_text()
    assert "connect(" in text
    assert leaks(text) == []
