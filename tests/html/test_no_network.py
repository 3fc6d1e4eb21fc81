"""Printing the PDF uses no network at all (the pack's promise: no network at run time).

Two proofs. (1) Headless Chromium printing the demo pack's ``print.html`` exactly as the build does
(:func:`helpers.pack.pdf.print_pdf`) is traced with ``strace -f``: no DNS query (nothing sent to port 53), no
connection or datagram to any address but loopback succeeds. On a84b52b the same trace showed 20 DNS lookups for
Google account and update hosts and a UDP connect. (2) A build with its PDF step, run with networking removed
(``unshare --net``: a network namespace with only a loopback interface), prints ``pack.pdf``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from project_copy import copy_project

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = ("127.", "::1", "::ffff:127.")


def inet_calls(trace: str) -> list[tuple[str, str, int, str]]:
    """(call, address, port, result) for every connect/sendto/sendmsg to an IPv4 or IPv6 address in an strace
    log (``-f`` output, resumed calls joined)."""
    lines, pending = [], {}
    for line in trace.splitlines():
        m = re.match(r"(\d+)\s+(.*)", line)
        if not m:
            continue
        pid, rest = m.groups()
        if rest.endswith("<unfinished ...>"):
            pending[pid] = rest[: -len("<unfinished ...>")]
            continue
        r = re.match(r"<\.\.\. \w+ resumed>(.*)", rest)
        if r and pid in pending:
            rest = pending.pop(pid) + r.group(1)
        lines.append(rest)
    calls = []
    for rest in lines:
        call = re.match(r"(connect|sendto|sendmsg)\(", rest)
        fam = re.search(r"sa_family=AF_INET6?", rest)
        if not call or not fam:
            continue
        addr = re.search(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"', rest)
        port = re.search(r"sin6?_port=htons\((\d+)\)", rest)
        result = rest.rsplit("=", 1)[-1].strip()
        calls.append((call.group(1), (addr.group(1) or addr.group(2)) if addr else "?",
                      int(port.group(1)) if port else -1, result))
    return calls


def test_trace_parser_reads_strace_output():
    trace = ('12 connect(18, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.53")}, 16 '
             "<unfinished ...>\n"
             "13 socket(AF_UNIX, SOCK_STREAM, 0) = 5\n"
             "12 <... connect resumed>) = 0\n"
             '14 connect(7, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), '
             'inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = -1 ENETUNREACH '
             "(Network is unreachable)\n"
             '15 connect(9, {sa_family=AF_UNIX, sun_path="/tmp/x"}, 110) = 0\n')
    assert inet_calls(trace) == [("connect", "10.0.0.53", 53, "0"),
                                 ("connect", "2001:4860:4860::8888", 443, "-1 ENETUNREACH (Network is unreachable)")]


def test_printing_the_pdf_touches_no_network(demo_build: Path, tmp_path: Path):
    from helpers.pack import pdf

    chrome = pdf.find_chromium()
    if chrome is None:
        pytest.skip("Chromium not installed")
    if shutil.which("strace") is None:
        pytest.skip("strace not installed (.ci/run installs it)")
    probe = subprocess.run(["strace", "-f", "-o", os.devnull, "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"strace cannot trace here: {probe.stderr.decode()[-200:]}")
    trace = tmp_path / "trace.txt"
    code = ("import sys; from pathlib import Path; from helpers.pack import pdf; "
            "pdf.print_pdf(pdf.find_chromium(), Path(sys.argv[1]), Path(sys.argv[2]))")
    proc = subprocess.run(["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(trace),
                           sys.executable, "-c", code, str(demo_build / "print.html"), str(tmp_path / "x.pdf")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-500:]
    assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")
    calls = inet_calls(trace.read_text(encoding="utf-8", errors="replace"))
    dns = [c for c in calls if c[2] == 53]
    assert dns == [], f"{len(dns)} DNS lookups"
    outside = [c for c in calls if not c[1].startswith(LOOPBACK) and c[3].startswith(("0", "1", "2", "3", "4",
                                                                                         "5", "6", "7", "8", "9"))]
    assert outside == [], "connections or datagrams that reached beyond this machine"


def _can_unshare() -> bool:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    return subprocess.run(["unshare", "--net", "--map-root-user", "ip", "link", "set", "lo", "up"],
                          capture_output=True).returncode == 0


def test_build_prints_the_pdf_with_networking_removed(tmp_path: Path):
    from helpers.pack import pdf

    if pdf.find_chromium() is None:
        pytest.skip("Chromium not installed")
    if not _can_unshare():
        pytest.skip("unshare --net (user namespaces) or ip not available here")
    project = copy_project(tmp_path / "project")
    command = Path(sys.executable).with_name("evidence-pack")
    script = (f"ip link set lo up && ! ip route get 1.1.1.1 >/dev/null 2>&1 && "
              f"exec {command} build config/demo.yaml --only 09_assumptions --jobs 1")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(["unshare", "--net", "--map-root-user", "sh", "-c", script], cwd=project,
                          capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, (proc.stdout[-800:], proc.stderr[-800:])
    assert "pack.pdf: printed" in proc.stdout
    assert (project / "reports" / "demo" / "pack.pdf").read_bytes().startswith(b"%PDF")
