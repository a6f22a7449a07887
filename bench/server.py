"""A ``streamlit run`` server for the benchmarks, and what they read about its process.

The standard library and psutil only (no pytest, nothing from ``tests/``): the browser group,
the load group and tests/bench/test_protocol.py all use it; psutil is in requirements-dev.txt.

- `Server`: ``streamlit run <script>`` on a free port of 127.0.0.1, headless, with usage
  statistics and the file watcher off (others may be editing the app while it runs, and a
  watcher would rerun sessions mid-measurement); `Server.wait_healthy` polls
  ``/_stcore/health``.
- `process_tree`, `vm_rss_kb`, `cpu_seconds`: the server's memory and CPU time (psutil),
  summed over the process and its descendants.
- `RssSampler`: a thread that samples that memory every 0.2 s, so a peak between two
  reports is not missed.
- `Burners`: processes that only burn CPU, standing in for the other tenants of a shared
  two-core machine (Streamlit Community Cloud); each stops by itself after a time limit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import psutil

__all__ = [
    "REPO_ROOT", "SERVER_START_TIMEOUT", "Burners", "ClassServer", "OtherLoad", "RssSampler",
    "Server",
    "cpu_seconds", "free_port", "health", "machine_busy", "process_tree", "vm_rss_kb",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
SERVER_START_TIMEOUT = 60.0  # seconds until /_stcore/health must answer "ok"


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def health(url: str) -> str | None:
    """The body of Streamlit's health endpoint, or None while it does not answer.

    Parameters
    ----------
    url : str
        The full address of the endpoint, ``http://127.0.0.1:<port>/_stcore/health``.

    Returns
    -------
    str or None
        ``"ok"`` once the server is ready.
    """
    # No proxy: the server is local, and a proxy set in the environment must not see it.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return response.read().decode("utf-8", "replace").strip()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def _tree(root: int) -> list[psutil.Process]:
    """``root`` and every live descendant (none if ``root`` has gone)."""
    try:
        process = psutil.Process(root)
        return [process, *process.children(recursive=True)]
    except psutil.Error:
        return []


def process_tree(root: int) -> list[int]:
    """``root`` and every live descendant, as process ids."""
    return [process.pid for process in _tree(root)]


def vm_rss_kb(pid: int) -> int:
    """Resident memory of one process in kB (0 once it has gone)."""
    with contextlib.suppress(psutil.Error):
        return psutil.Process(pid).memory_info().rss // 1024
    return 0


def cpu_seconds(root: int) -> float:
    """User plus system CPU seconds of ``root`` and its live descendants (all threads).

    Parameters
    ----------
    root : int
        A process id.

    Returns
    -------
    float
        Sum of user and system times over the tree, in seconds; a process that has gone
        counts 0.
    """
    total = 0.0
    for process in _tree(root):
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def machine_busy(seconds: float = 1.0) -> float:
    """Share of all the machine's CPUs that were busy over the next ``seconds``, from 0 to 1.

    Everything but idle and iowait counts as busy. Taken before and after a benchmark, it
    shows whether other work on the machine (another engineer's tests, say) competed with the
    figures.
    """
    busy0, total0 = _busy_and_total()
    time.sleep(seconds)
    busy1, total1 = _busy_and_total()
    return (busy1 - busy0) / max(total1 - total0, 1e-9)


def _busy_and_total() -> tuple[float, float]:
    times = psutil.cpu_times()
    total = sum(times)
    return total - times.idle - getattr(times, "iowait", 0.0), total


def _busy_seconds() -> float:
    """CPU seconds all the machine's CPUs have been busy since boot."""
    return _busy_and_total()[0]


def _own_seconds() -> float:
    """CPU seconds of this process and everything it started: the live ones (the server, the
    burners, Chromium) and the ones already reaped."""
    reaped = os.times()
    return cpu_seconds(os.getpid()) + reaped.children_user + reaped.children_system


class OtherLoad:
    """How busy the processes this bench did not start kept the machine, over an interval.

    The machine's busy CPU seconds (psutil) less those of this process and its
    descendants (server, burners, Chromium), per wall second: 0 on a quiet machine, 1 when
    something else kept one CPU busy throughout (another engineer's tests, say), which
    then competed with the figures.
    """

    def __init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        """Start a new interval."""
        self._start = (time.monotonic(), _busy_seconds(), _own_seconds())

    def cores(self) -> float:
        """CPUs' worth of other work since the interval started."""
        t0, busy0, own0 = self._start
        wall = max(time.monotonic() - t0, 1e-9)
        return max(0.0, (_busy_seconds() - busy0) - (_own_seconds() - own0)) / wall


class Server:
    """``streamlit run <script>`` on a free local port; `stop` ends it.

    Parameters
    ----------
    script : Path
        The Streamlit script.
    cwd : Path
        Working directory of the server (the repository root for the app).
    log_dir : Path
        Where the server's output goes, as ``<script stem>-<port>.log``.
    extra_options : sequence of str, optional
        More ``--section.option value`` arguments for ``streamlit run``.

    Attributes
    ----------
    port : int
    url : str
        ``http://127.0.0.1:<port>``.
    log : Path
    process : subprocess.Popen
    """

    def __init__(self, script: Path, cwd: Path, log_dir: Path,
                 extra_options: Sequence[str] = ()) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.headless", "true",
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
            *extra_options,
        ]
        self.log = Path(log_dir) / f"{script.stem}-{self.port}.log"
        # A file rather than a pipe: a pipe nobody reads would fill up and block the server.
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    @property
    def pid(self) -> int:
        """Process id of the server."""
        return self.process.pid

    def wait_healthy(self, timeout: float = SERVER_START_TIMEOUT) -> float:
        """Wait until ``/_stcore/health`` answers "ok".

        Parameters
        ----------
        timeout : float
            Seconds to wait at most.

        Returns
        -------
        float
            Seconds it took.

        Raises
        ------
        RuntimeError
            If the server exits or does not answer in time (with its log in the message).
        """
        start = time.monotonic()
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with code {self.process.returncode}:\n"
                    + self.log.read_text(errors="replace"))
            if health(f"{self.url}/_stcore/health") == "ok":
                return time.monotonic() - start
            if time.monotonic() - start > timeout:
                raise RuntimeError(f"streamlit did not answer on {self.url} within "
                                   f"{timeout:.0f} s")
            time.sleep(0.2)

    def rss_mb(self) -> float:
        """Resident memory of the server process and all its descendants, in MB."""
        return sum(vm_rss_kb(pid) for pid in process_tree(self.pid)) / 1024

    def largest_process_mb(self) -> float:
        """Resident memory of the largest Streamlit process, in MB: here the one server."""
        return self.rss_mb()

    def cpu_seconds(self) -> float:
        """CPU seconds (user + system) the server and its descendants have used so far."""
        return cpu_seconds(self.pid)

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of the server's output."""
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        """Terminate the server (kill it after 10 s) and reap it."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


class ClassServer(Server):
    """``scripts/serve_class.sh``: ``workers`` Streamlit processes behind HAProxy, on a free
    port; the same interface as `Server` (its CPU and memory figures cover the script's whole
    tree: every worker and the balancer).

    Parameters
    ----------
    workers : int
    cwd : Path
        The repository (the script serves its app.py).
    log_dir : Path
    """

    def __init__(self, workers: int, cwd: Path, log_dir: Path) -> None:
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(log_dir) / f"serve-class-{self.port}.log"
        base = free_port()  # the workers take the ports from here on
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                ["bash", str(Path(cwd) / "scripts" / "serve_class.sh"), "--workers",
                 str(workers), "--port", str(self.port), "--base-port", str(base),
                 "--host", "127.0.0.1"],
                cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each Streamlit worker (MB), in no particular order."""
        found = []
        for process in _tree(self.pid):
            with contextlib.suppress(psutil.Error):
                if "streamlit" in " ".join(process.cmdline()):
                    found.append(process.memory_info().rss / 2**20)
        return found

    def largest_process_mb(self) -> float:
        """Resident memory of the largest Streamlit worker, in MB (0 if none is up)."""
        return max(self.worker_rss_mb(), default=0.0)

    def stop(self) -> None:
        """SIGTERM to the script (it stops the balancer and its workers), then reap it."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


class RssSampler:
    """Samples a server's RSS every ``interval`` seconds in a thread: its whole process tree,
    and its largest Streamlit process (the one server, or the largest worker), in MB.

    Parameters
    ----------
    server : Server
    interval : float, default 0.2

    Notes
    -----
    `peak` and `last` read the samples taken since the last `mark`, so one sampler serves a
    whole run of rounds.
    """

    def __init__(self, server: Server, interval: float = 0.2) -> None:
        self.server = server
        self.interval = interval
        # (monotonic time, tree MB, largest Streamlit process MB)
        self.samples: list[tuple[float, float, float]] = []
        self._mark = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            sample = (time.monotonic(), self.server.rss_mb(),
                      self.server.largest_process_mb())
            with self._lock:
                self.samples.append(sample)
            self._stop.wait(self.interval)

    def mark(self) -> None:
        """Start a new window: `peak` looks only at samples taken from now on."""
        with self._lock:
            self._mark = len(self.samples)

    def peak(self) -> float:
        """Largest RSS in MB since the last `mark` (the current RSS if none was taken)."""
        with self._lock:
            window = [mb for _, mb, _ in self.samples[self._mark:]]
        return max(window, default=self.server.rss_mb())

    def peak_process(self) -> float:
        """Largest RSS in MB of one Streamlit process since the last `mark` (with workers:
        the largest worker at any sample; the current one if no sample was taken)."""
        with self._lock:
            window = [mb for _, _, mb in self.samples[self._mark:]]
        return max(window, default=self.server.largest_process_mb())


#: A CPU burner: spins until its deadline (argv[1], seconds), so it stops by itself even if
#: the bench is killed before it can end it.
_BURN = (
    "import sys, time\n"
    "end = time.monotonic() + float(sys.argv[1])\n"
    "while time.monotonic() < end: pass\n"
)


class Burners:
    """``count`` processes that spin on the CPU, beside the server, for at most ``limit`` s.

    Parameters
    ----------
    count : int
        Number of processes; 0 starts none.
    limit : float, default 900
        Seconds after which each stops by itself.

    Notes
    -----
    A context manager: leaving it terminates the processes it started (by their pids).
    """

    def __init__(self, count: int, limit: float = 900.0) -> None:
        self.count = count
        self.limit = limit
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> Burners:
        self.processes = [
            subprocess.Popen([sys.executable, "-c", _BURN, str(self.limit)],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
            for _ in range(self.count)
        ]
        return self

    def __exit__(self, *exc: object) -> None:
        for process in self.processes:
            if process.poll() is None:
                # A stopped process (SIGSTOP, to pause the burn) would hold SIGTERM pending.
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGCONT)
                process.terminate()
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
            if process.poll() is None:
                process.kill()
                process.wait(timeout=5)
        self.processes = []
