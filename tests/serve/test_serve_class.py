"""scripts/serve_class.sh: two `streamlit run` workers behind HAProxy on localhost.

The test starts the script with ``--workers 2``, opens sessions through the balancer as a
browser tab does (``GET /`` for the page and its sticky cookie, ``/_stcore/health``, then the
websocket ``/_stcore/stream`` with that cookie, speaking Streamlit's protobufs), and checks:

1. every session sticks to one worker: the header ``X-Descent-Lab-Worker`` that HAProxy puts
   on every response (the websocket handshake too) names the cookie's worker on every
   request of the tab, a few more requests in a row included (which a balancer ignoring the
   cookie would spread: see `_assert_stuck`); new sessions spread over both workers; and a
   tab that closes its websocket and reconnects with its session id (as the page does after
   a network blip) gets the *same* Streamlit session back, which only the process holding
   that session can give (any other one starts a fresh session, with a new id).
2. after one worker is killed (SIGKILL), the other worker's sessions still rerun on their
   open websockets and resume after a reconnect; the killed worker's tabs lose their
   websocket, and on reconnecting get a fresh session that runs with the settings of their
   link; the script starts the worker again, and a new session sticks to it and works.
3. SIGTERM to the script stops the balancer and both workers: nothing of its process group
   is left, and no port answers.

Before that, `_assert_compressed`: the balancer gzips the page's scripts for a browser that
asks (the bytes a class fetches on its first visit), and the worker's own bytes come out.

HAProxy comes from Debian's package: the script installs it when it is missing (apt-get), and
the test is skipped only where that cannot be done.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect

from tests import async_run

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "serve_class.sh"
HOST = "127.0.0.1"
WORKER_HEADER = "X-Descent-Lab-Worker"
STICKY_COOKIE = "DLWORKER"
XSRF_COOKIE = "_streamlit_xsrf"
#: The script exits with this when HAProxy is missing and cannot be installed.
NO_HAPROXY = 3
#: Seconds for the script to come up: installing HAProxy first (apt-get) takes most of it.
START_TIMEOUT = 240
RUN_TIMEOUT = 60  # seconds for one script run of the page
RESTART_TIMEOUT = 40  # seconds for a killed worker to be serving again


def _free_ports(count: int) -> int:
    """A port P such that P .. P+count-1 are all free on 127.0.0.1."""
    for _ in range(100):
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        with contextlib.ExitStack() as stack:
            try:
                for port in range(first, first + count):
                    sock = stack.enter_context(socket.socket())
                    sock.bind((HOST, port))
            except OSError:
                continue
        return first
    raise RuntimeError(f"no {count} consecutive free ports on {HOST}")


def _answers(port: int) -> bool:
    """Whether something accepts connections on the port."""
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def _health(port: int) -> bool:
    """Whether Streamlit's health check on the port (a worker's or the balancer's) says ok."""
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", "/_stcore/health")
        response = conn.getresponse()
        return response.status == 200 and response.read() == b"ok"
    except OSError:
        return False
    finally:
        conn.close()


def _group_members(pgid: int) -> list[str]:
    """Live (not zombie) processes of the process group, as "pid command" lines."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...: the command may hold spaces and parentheses
        state, _ppid, pgrp = stat[stat.rindex(")") + 2:].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            members.append(f"{entry.name} {cmdline.strip()[:120]}")
    return members


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


@dataclass
class Run:
    """One run of the page as the tab saw it."""

    status: str  # "ok", or what went wrong
    session_id: str
    exceptions: list[str]


@dataclass
class Tab:
    """A browser tab through the balancer: its cookies, its link, its Streamlit session.

    ``workers`` holds the worker that answered each of its requests (HAProxy's
    X-Descent-Lab-Worker header), ``runs`` each of its script runs.
    """

    port: int
    query: str
    cookies: dict[str, str] = field(default_factory=dict)
    workers: list[str | None] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    ws: ClientConnection | None = None
    page_script_hash: str = ""

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def worker(self) -> str | None:
        """The worker the sticky cookie names."""
        return self.cookies.get(STICKY_COOKIE)

    @property
    def session_id(self) -> str:
        return self.runs[-1].session_id if self.runs else ""

    def _note(self, headers) -> None:
        self.workers.append(headers.get(WORKER_HEADER))
        for cookie in headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0].strip()

    def _cookie_header(self) -> dict[str, str]:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def get(self, path: str) -> int:
        """GET ``path`` as the browser would (with the tab's cookies); the status."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=15)
        try:
            conn.request("GET", path, headers=self._cookie_header())
            response = conn.getresponse()
            response.read()
        finally:
            conn.close()
        self._note(response.headers)
        return response.status

    def load(self) -> None:
        """What the page does before its websocket: the page itself, then the health check
        (which sets the XSRF cookie)."""
        assert self.get("/?" + self.query) == 200
        assert self.get("/_stcore/health") == 200

    async def connect(self) -> None:
        """Open the websocket as the page does: the XSRF token and, on a reconnect, the
        session id ride in the subprotocol header; the cookies and the Origin go along."""
        protocols = ["streamlit", self.cookies.get(XSRF_COOKIE, "none")]
        if self.session_id:
            protocols.append(self.session_id)
        self.ws = await connect(
            f"ws://{HOST}:{self.port}/_stcore/stream",
            subprotocols=protocols,  # type: ignore[arg-type]
            additional_headers={**self._cookie_header(), "Origin": self.base},
            ping_interval=None, proxy=None, max_size=None, open_timeout=15)
        assert self.ws.response is not None
        self._note(self.ws.response.headers)

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
            self.ws = None

    async def run(self) -> Run:
        """Ask for a run of the page (the query string of the link, no widget changed) and
        read until it ends."""
        assert self.ws is not None
        state = ClientState(query_string=self.query, page_script_hash=self.page_script_hash)
        context = state.context_info
        context.timezone, context.locale = "UTC", "en-US"
        context.url = f"{self.base}/?{self.query}"
        await self.ws.send(BackMsg(rerun_script=state).SerializeToString())
        session_id, exceptions = "", []
        deadline = time.monotonic() + RUN_TIMEOUT
        status = "timeout"
        while time.monotonic() < deadline:
            try:
                data = await asyncio.wait_for(self.ws.recv(decode=False),
                                              deadline - time.monotonic())
            except TimeoutError:
                break
            except Exception as error:  # the connection was lost
                status = f"closed ({type(error).__name__})"
                break
            msg = ForwardMsg.FromString(data)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                session_id = msg.new_session.initialize.session_id
                self.page_script_hash = msg.new_session.page_script_hash
            elif kind == "page_info_changed":
                # The app writes its settings into the link; the page sends it back.
                self.query = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.new_element.WhichOneof("type") == "exception":
                exc = msg.delta.new_element.exception
                exceptions.append(f"{exc.type}: {exc.message}"[:300])
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    status = "ok"
                    break
                if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    name = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                    status = f"finished with {name}"
                    break
        run = Run(status, session_id, exceptions)
        self.runs.append(run)
        return run


class Served:
    """The script running in its own process group, its output in a log file."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = _free_ports(3)
        self.worker_ports = {"w1": self.port + 1, "w2": self.port + 2}
        self.run_dir = tmp_path / "run"
        self.log_path = tmp_path / "serve_class.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            ["bash", str(SCRIPT), "--workers", "2", "--port", str(self.port),
             "--host", HOST, "--run-dir", str(self.run_dir)],
            cwd=REPO, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def log(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def why(self, what: str) -> str:
        return f"{what}\n--- serve_class.sh output (last lines) ---\n{self.log()}"

    def wait_serving(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            code = self.proc.poll()
            if code == NO_HAPROXY:
                pytest.skip("HAProxy is missing and scripts/serve_class.sh could not install "
                            f"Debian's haproxy package:\n{self.log(5)}")
            assert code is None, self.why(f"serve_class.sh exited with status {code}")
            if "serve_class: serving" in self.log_path.read_text(errors="replace") \
                    and _health(self.port):
                return
            time.sleep(0.2)
        pytest.fail(self.why(f"the balancer was not serving after {START_TIMEOUT} s"))

    def worker_pid(self, name: str) -> int:
        return int((self.run_dir / f"{name}.pid").read_text())

    def stop(self) -> None:
        """Whatever happened: nothing of the group is left (it is ours: we started it)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=20)
        if _group_members(self.proc.pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.wait(timeout=10)
        self._log.close()


def _haproxy_installable() -> bool:
    return bool(shutil.which("haproxy") or Path("/usr/sbin/haproxy").exists()
                or shutil.which("apt-get"))


@pytest.fixture
def served(tmp_path: Path):
    if not _haproxy_installable():
        pytest.skip("HAProxy is missing and there is no apt-get to install Debian's haproxy "
                    "package (scripts/serve_class.sh needs it)")
    served = Served(tmp_path)
    try:
        served.wait_serving()
        yield served
    finally:
        served.stop()


async def _open(tab: Tab, served: Served, reruns: int = 2) -> None:
    """Load the page, open its session and rerun it; every run must be clean."""
    tab.load()
    await tab.connect()
    for i in range(1 + reruns):
        run = await tab.run()
        assert run.status == "ok" and not run.exceptions, served.why(
            f"run {i} of ?{tab.query} on {tab.worker}: {run.status} {run.exceptions}")


def _assert_stuck(tab: Tab, served: Served, probes: int = 3) -> None:
    """Every request of the tab, and ``probes`` more in a row, reached its cookie's worker.

    The probes make this hold against any balancing: a balancer that ignored the cookie
    would send requests in a row to both workers in turn (round robin, or least connections
    at equal load), or all to the less loaded one, which is the wrong one for the tabs of
    the other; and the tabs are spread over both workers.
    """
    assert tab.worker in served.worker_ports, f"no sticky cookie: {tab.cookies}"
    for _ in range(probes):
        tab.get("/_stcore/health")
    assert set(tab.workers) == {tab.worker}, served.why(
        f"the requests of ?{tab.query} (cookie {tab.worker}) went to {tab.workers}")


async def _reconnect_same_session(tab: Tab, served: Served) -> None:
    """Close the websocket and reconnect with the session id: the same session answers."""
    before = tab.session_id
    await tab.close()
    tab.get("/_stcore/health")
    await tab.connect()
    run = await tab.run()
    assert run.status == "ok" and not run.exceptions, served.why(
        f"?{tab.query} after a reconnect: {run.status} {run.exceptions}")
    assert run.session_id == before, served.why(
        f"?{tab.query} reconnected to session {run.session_id}, not its own {before}: "
        "the reconnect reached a process that does not hold the session")


def _fetch(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict, bytes]:
    """GET ``path`` on ``port``: the status, the headers (lower-case names) and the body."""
    conn = http.client.HTTPConnection(HOST, port, timeout=15)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, \
            response.read()
    finally:
        conn.close()


def _assert_compressed(served: Served) -> None:
    """The page's main script through the balancer: gzip for a browser that accepts it, and
    the same bytes as the worker sends once unzipped; as it is for a client that does not."""
    _, _, page = _fetch(served.port, "/", {})
    found = re.search(rb"static/js/index\.[\w-]+\.js", page)
    assert found, "no script named in the page"
    path = "/" + found.group().decode()
    status, _, direct = _fetch(served.worker_ports["w1"], path, {"Accept-Encoding": "gzip"})
    assert status == 200 and len(direct) > 100_000, (status, len(direct))
    status, headers, zipped = _fetch(served.port, path, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip", served.why(
        f"{path} through the balancer was not gzipped: {headers}")
    assert gzip.decompress(zipped) == direct
    assert len(zipped) < 0.6 * len(direct), (len(zipped), len(direct))
    status, headers, plain = _fetch(served.port, path, {})
    assert status == 200 and "content-encoding" not in headers and plain == direct


async def _scenario(served: Served) -> None:
    port = served.port
    _assert_compressed(served)
    # 1. Sessions stick to their worker, and new ones spread over both.
    tabs = [Tab(port, f"lr=0.5&steps={30 + i}") for i in range(4)]
    for tab in tabs:
        await _open(tab, served)
        assert len({run.session_id for run in tab.runs}) == 1, tab.runs
    for tab in tabs:
        await _reconnect_same_session(tab, served)
        _assert_stuck(tab, served)
    assert {tab.worker for tab in tabs} == {"w1", "w2"}, (
        f"new sessions did not spread over both workers: {[t.worker for t in tabs]}")

    # 2. Kill one worker.
    victim = tabs[0].worker
    assert victim is not None
    lost = [tab for tab in tabs if tab.worker == victim]
    kept = [tab for tab in tabs if tab.worker != victim]
    old_pid = served.worker_pid(victim)
    os.kill(old_pid, signal.SIGKILL)
    for tab in lost:  # the balancer closes the websockets that went to it
        assert tab.ws is not None
        try:
            await asyncio.wait_for(tab.ws.wait_closed(), 15)
        except TimeoutError:
            pytest.fail(served.why(f"?{tab.query}: its websocket stayed open 15 s after "
                                   f"its worker {victim} was killed"))
    for tab in kept:  # the other worker's sessions carry on, on their open websockets...
        run = await tab.run()
        assert run.status == "ok" and not run.exceptions, served.why(
            f"?{tab.query} on {tab.worker} after {victim} was killed: {run.status}")
        await _reconnect_same_session(tab, served)  # ...and after a reconnect
        _assert_stuck(tab, served)
    for tab in lost:  # the page reconnects: a fresh session, with the link's settings
        before, link = tab.session_id, tab.query
        await tab.close()
        await tab.connect()
        run = await tab.run()
        assert run.status == "ok" and not run.exceptions, served.why(
            f"?{link} reconnecting after its worker died: {run.status} {run.exceptions}")
        assert run.session_id != before
        steps = link.split("steps=")[1].split("&")[0]
        assert f"steps={steps}" in tab.query.split("&"), (link, tab.query)
        # It sticks to wherever it landed (the balancer rewrote the cookie if it moved).
        now = tab.workers[-1]
        assert now == tab.worker, (now, tab.cookies)
        tab.get("/_stcore/health")
        await tab.run()
        assert tab.workers[-1] == now and tab.runs[-1].status == "ok"

    # The script starts the worker again: a new process, healthy on its port...
    deadline = time.monotonic() + RESTART_TIMEOUT
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            if served.worker_pid(victim) != old_pid and _health(served.worker_ports[victim]):
                break
        time.sleep(0.2)
    else:
        pytest.fail(served.why(f"{victim} was not serving again {RESTART_TIMEOUT} s after "
                               "it was killed"))
    # ...which the balancer sends new visitors to (it has the fewest connections), once its
    # health check passes.
    deadline = time.monotonic() + 15
    while True:
        fresh = Tab(port, "lr=2&steps=25")
        fresh.load()
        if fresh.worker == victim:
            break
        assert time.monotonic() < deadline, served.why(
            f"no new session went to the restarted {victim}: {fresh.workers}")
        time.sleep(0.3)
    await _open(fresh, served)
    await _reconnect_same_session(fresh, served)
    _assert_stuck(fresh, served)
    for tab in [*tabs, fresh]:
        await tab.close()


def test_serve_class_sticky_sessions_and_worker_restart(served: Served) -> None:
    async_run.run(_scenario(served))

    # 3. SIGTERM stops the balancer and every worker.
    pids = {name: served.worker_pid(name) for name in served.worker_ports}
    pids["haproxy"] = int((served.run_dir / "haproxy.pid").read_text())
    served.proc.send_signal(signal.SIGTERM)
    try:
        code = served.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(served.why("serve_class.sh did not exit within 30 s of SIGTERM"))
    assert code == 0, served.why(f"serve_class.sh exited with {code} on SIGTERM")
    left = _group_members(served.proc.pid)
    assert not left, f"processes left after SIGTERM: {left}"
    assert not [name for name, pid in pids.items() if _alive(pid)], pids
    ports = [served.port, *served.worker_ports.values()]
    assert not [p for p in ports if _answers(p)], f"ports still answering: {ports}"
