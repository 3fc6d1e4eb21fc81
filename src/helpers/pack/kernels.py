"""A pool of warm Jupyter kernels, so a build does not pay kernel start-up and imports once per notebook.

Each kernel starts once per build, imports the analysis stack while the first notebook is queued, and between
notebooks is reset (``%reset -f``, Matplotlib defaults, project style, working directory) so that every notebook
starts from a clean namespace. Notebooks are still executed by papermill's own engine
(``papermill.execute_notebook(..., km=..., kc=...)``); only the kernel process is reused.
Written by hand because neither papermill nor nbclient keeps kernels between notebooks.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager
from jupyter_client.channels import ZMQSocketChannel
from traitlets import Type

from helpers.errors import BuildError

WARM_IMPORTS = """
import pandas, numpy, scipy.stats, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot
import statsmodels.api
import helpers.present.page
"""

RESET = """
%reset -f
import os as _os, matplotlib as _mpl, matplotlib.pyplot as _plt
_plt.close("all"); _mpl.rcdefaults()
_os.chdir({cwd!r})
del _os, _mpl, _plt
"""


SOCKETS_PREFIX = "evidence-pack-kernels-"

# papermill logs a dead kernel ("Kernel died while waiting for execute reply.") besides raising: the build reports
# every failure itself, in one message, so without a logging set-up of the caller's nothing else is printed.
logging.getLogger("papermill").addHandler(logging.NullHandler())


def _remove_stale_socket_folders() -> None:
    """Remove socket folders left by builds that were killed (their pid is no longer running)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SOCKETS_PREFIX}*"):
        pid = folder.name.removeprefix(SOCKETS_PREFIX).split("-", 1)[0]
        if pid.isdigit():
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                shutil.rmtree(folder, ignore_errors=True)
            except PermissionError:
                pass


class _WatchedChannel(ZMQSocketChannel):
    """A blocking channel that notices its kernel dying.

    nbclient reads a blocking client's messages inside its event loop, waiting with no timeout for the next
    output; a kernel that died (killed, out of memory) sends none, the loop never reaches nbclient's own liveness
    check and the notebook waits for ever. Here every wait is cut into one-second polls, and between them the
    kernel process is checked: when it has gone, nbclient's ``DeadKernelError`` is raised.
    """

    alive: Callable[[], bool] = staticmethod(lambda: True)

    def get_msg(self, timeout: float | None = None) -> dict[str, Any]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            step = 1.0 if deadline is None else max(0.0, min(1.0, deadline - time.monotonic()))
            try:
                msg: dict[str, Any] = super().get_msg(timeout=step)
                return msg
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise
                if not self.alive():
                    from nbclient.exceptions import DeadKernelError  # noqa: PLC0415 - only when a kernel died

                    raise DeadKernelError("Kernel died") from None


class _WatchedClient(BlockingKernelClient):
    """A blocking kernel client whose shell and output channels notice a dead kernel (:class:`_WatchedChannel`)."""

    shell_channel_class = Type(_WatchedChannel)
    iopub_channel_class = Type(_WatchedChannel)

    @property
    def shell_channel(self) -> _WatchedChannel:
        channel: _WatchedChannel = super().shell_channel
        channel.alive = self._kernel_alive
        return channel

    @property
    def iopub_channel(self) -> _WatchedChannel:
        channel: _WatchedChannel = super().iopub_channel
        channel.alive = self._kernel_alive
        return channel

    def _kernel_alive(self) -> bool:
        try:
            return bool(self.is_alive())  # asks the kernel manager whether the process still runs
        except Exception:  # noqa: BLE001 - a kernel whose state cannot be read is treated as dead
            return False


#: Longest a notebook waits for a free kernel before the build stops with a message naming it. Longer than any
#: real notebook takes (the slowest runs for about a minute), short enough that a scheduled refresh never hangs.
WAIT_TIMEOUT_SECONDS = 1800.0


class KernelPool:
    """Up to ``size`` Python kernels started lazily, handed out one notebook at a time.

    Each notebook gets a fresh kernel client on a reused kernel process: a client whose channels were used by
    nbclient's event loop does not receive replies afterwards, so clients are never reused.

    The pool cannot starve: a kernel that saw a failure (or died) is shut down and its place freed, so the next
    notebook waiting starts a replacement; a kernel that died while idle is noticed when handed out and replaced;
    a kernel that fails to start frees its place too. Every wait is bounded: waiting for a free kernel by
    ``wait_timeout`` seconds, kernel start-up and set-up by their own timeouts. Each ends in one
    :class:`~helpers.errors.BuildError` naming the notebook.
    """

    def __init__(self, size: int, cwd: Path, kernel_name: str = "python3",
                 wait_timeout: float = WAIT_TIMEOUT_SECONDS) -> None:
        self.size, self.cwd, self.kernel_name = max(1, size), str(cwd), kernel_name
        self.wait_timeout = wait_timeout
        self._free: list[KernelManager] = []
        self._all: list[KernelManager] = []  # started and not retired: busy or free
        self._starting = 0  # places taken by kernels being started
        self._closed = False
        self._cond = threading.Condition()
        _remove_stale_socket_folders()
        self._sockets = tempfile.mkdtemp(prefix=f"{SOCKETS_PREFIX}{os.getpid()}-")
        self._started = itertools.count()

    def _start(self) -> KernelManager:
        # Local IPC sockets under an absolute temporary path: no TCP ports, and independent of any cwd.
        km = KernelManager(kernel_name=self.kernel_name, transport="ipc",
                           ip=os.path.join(self._sockets, f"k{next(self._started)}"))
        # nbclient makes its own client with km.client(): make that one notice a dead kernel.
        km.client_class = f"{__name__}._WatchedClient"
        # One BLAS thread per kernel: kernels already run in parallel, and results do not depend on thread count.
        km.start_kernel(cwd=self.cwd, env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                                           "MKL_NUM_THREADS": "1"})
        return km

    def _client(self, km: KernelManager, code: str) -> BlockingKernelClient:
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=120)
            reply = kc.execute_interactive(code, silent=True, timeout=300)
        except BaseException:
            kc.stop_channels()
            raise
        if reply["content"]["status"] != "ok":
            kc.stop_channels()
            raise RuntimeError(f"kernel set-up failed: {reply['content'].get('evalue')}")
        return kc

    def _acquire(self, notebook: str) -> tuple[KernelManager, bool]:
        """A free live kernel, or a newly started one when the pool has room; True when newly started."""
        deadline = time.monotonic() + self.wait_timeout
        dead: list[KernelManager] = []
        with self._cond:
            while True:
                if self._closed:
                    raise BuildError(f"notebook {notebook}: the build's kernels were shut down before it could run")
                while self._free:
                    km = self._free.pop()
                    if _alive(km):
                        break
                    self._all.remove(km)  # died while idle: its place is free for a replacement
                    dead.append(km)
                else:
                    km = None
                if km is not None:
                    fresh = False
                    break
                if len(self._all) + self._starting < self.size:
                    self._starting += 1
                    fresh = True
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BuildError(f"notebook {notebook}: no kernel became free within {self.wait_timeout:.0f} s "
                                     f"({len(self._all)} of {self.size} busy); the build was stopped")
                self._cond.wait(timeout=left)
        for km_dead in dead:
            _shutdown(km_dead)
        if not fresh and km is not None:
            return km, False
        try:
            km = self._start()
        except BaseException as exc:
            with self._cond:
                self._starting -= 1
                self._cond.notify_all()
            raise BuildError(f"notebook {notebook}: a Python kernel could not be started "
                             f"({type(exc).__name__}: {exc})") from exc
        with self._cond:
            self._starting -= 1
            self._all.append(km)
        return km, True

    @contextmanager
    def kernel(self, notebook: str = "a notebook") -> Iterator[tuple[KernelManager, BlockingKernelClient]]:
        """A clean kernel and a new client for ``notebook`` (kernel started on first need, reset after)."""
        km, fresh = self._acquire(notebook)
        try:
            kc = self._client(km, (WARM_IMPORTS if fresh else "") + RESET.format(cwd=self.cwd))
        except BaseException as exc:
            self._retire(km)
            if isinstance(exc, Exception):
                raise BuildError(f"notebook {notebook}: its kernel did not get ready "
                                 f"({type(exc).__name__}: {exc})") from exc
            raise
        try:
            yield km, kc
        except BaseException:
            kc.stop_channels()
            self._retire(km)  # a kernel that saw a failure is never reused; its place goes to a replacement
            raise
        kc.stop_channels()
        with self._cond:
            if km in self._all:
                self._free.append(km)
            self._cond.notify_all()

    def _retire(self, km: KernelManager) -> None:
        with self._cond:
            if km in self._all:
                self._all.remove(km)
            if km in self._free:
                self._free.remove(km)
            self._cond.notify_all()  # a waiting notebook may now start a replacement
        _shutdown(km)

    def interrupt(self) -> None:
        """Stop the cell each kernel is running (SIGINT to the kernel, as Jupyter's stop button does), so that
        the notebook fails at once instead of running on after Ctrl-C."""
        for km in list(self._all):
            with contextlib.suppress(Exception):  # a kernel already gone needs no interrupt
                km.interrupt_kernel()

    def shutdown(self) -> None:
        with self._cond:
            self._closed = True
            kernels = list(self._all)
            self._cond.notify_all()
        for km in kernels:
            self._retire(km)
        shutil.rmtree(self._sockets, ignore_errors=True)


def _alive(km: KernelManager) -> bool:
    try:
        return bool(km.is_alive())
    except Exception:  # noqa: BLE001 - a kernel whose state cannot be read is treated as dead
        return False


def _shutdown(km: KernelManager) -> None:
    with contextlib.suppress(Exception):  # already dead or half started: nothing left to stop
        km.shutdown_kernel(now=True)
