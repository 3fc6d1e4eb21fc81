"""A pool of warm Jupyter kernels, so a build does not pay kernel start-up and imports once per notebook.

Each kernel starts once per build, imports the analysis stack while the first notebook is queued, and between
notebooks is reset (``%reset -f``, Matplotlib defaults, project style, working directory) so that every notebook
starts from a clean namespace. Notebooks are still executed by papermill's own engine
(``papermill.execute_notebook(..., km=..., kc=...)``); only the kernel process is reused.
Written by hand because neither papermill nor nbclient keeps kernels between notebooks.
"""

from __future__ import annotations

import itertools
import os
import queue
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from jupyter_client import KernelManager
from jupyter_client.blocking import BlockingKernelClient

WARM_IMPORTS = """
import pandas, numpy, scipy.stats, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot
import statsmodels.api
import helpers.charts, helpers.pack.context
"""

RESET = """
%reset -f
import os as _os, matplotlib as _mpl, matplotlib.pyplot as _plt
_plt.close("all"); _mpl.rcdefaults()
import helpers.charts as _charts, helpers.pack.context as _context
_charts.use_style(); _context._CURRENT = None
_os.chdir({cwd!r})
del _os, _mpl, _plt, _charts, _context
"""


SOCKETS_PREFIX = "evidence-pack-kernels-"


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


class KernelPool:
    """``size`` Python kernels started lazily, handed out one notebook at a time.

    Each notebook gets a fresh kernel client on a reused kernel process: a client whose channels were used by
    nbclient's event loop does not receive replies afterwards, so clients are never reused.
    """

    def __init__(self, size: int, cwd: Path, kernel_name: str = "python3") -> None:
        self.size, self.cwd, self.kernel_name = size, str(cwd), kernel_name
        self._free: queue.Queue[KernelManager] = queue.Queue()
        self._all: list[KernelManager] = []
        self._lock = threading.Lock()
        _remove_stale_socket_folders()
        self._sockets = tempfile.mkdtemp(prefix=f"{SOCKETS_PREFIX}{os.getpid()}-")
        self._started = itertools.count()

    def _start(self) -> KernelManager:
        # Local IPC sockets under an absolute temporary path: no TCP ports, and independent of any cwd.
        km = KernelManager(kernel_name=self.kernel_name, transport="ipc",
                           ip=os.path.join(self._sockets, f"k{next(self._started)}"))
        # One BLAS thread per kernel: kernels already run in parallel, and results do not depend on thread count.
        km.start_kernel(cwd=self.cwd, env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                                           "MKL_NUM_THREADS": "1"})
        return km

    def _client(self, km: KernelManager, code: str) -> BlockingKernelClient:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        reply = kc.execute_interactive(code, silent=True, timeout=300)
        if reply["content"]["status"] != "ok":
            kc.stop_channels()
            raise RuntimeError(f"kernel set-up failed: {reply['content'].get('evalue')}")
        return kc

    @contextmanager
    def kernel(self) -> Iterator[tuple[KernelManager, BlockingKernelClient]]:
        """A clean kernel and a new client for one notebook (kernel started on first need, reset after)."""
        with self._lock:
            fresh = self._free.empty() and len(self._all) < self.size
            if fresh:
                km = self._start()
                self._all.append(km)
        if not fresh:
            km = self._free.get()
        kc = self._client(km, (WARM_IMPORTS if fresh else "") + RESET.format(cwd=self.cwd))
        try:
            yield km, kc
        except BaseException:
            kc.stop_channels()
            self._retire(km)  # a kernel that saw a failure is never reused
            raise
        kc.stop_channels()
        self._free.put(km)

    def _retire(self, km: KernelManager) -> None:
        with self._lock:
            if km in self._all:
                self._all.remove(km)
        km.shutdown_kernel(now=True)

    def interrupt(self) -> None:
        """Stop the cell each kernel is running (SIGINT to the kernel, as Jupyter's stop button does), so that
        the notebook fails at once instead of running on after Ctrl-C."""
        for km in list(self._all):
            try:
                km.interrupt_kernel()
            except Exception:  # noqa: BLE001 - a kernel already gone needs no interrupt
                pass

    def shutdown(self) -> None:
        for km in list(self._all):
            self._retire(km)
        shutil.rmtree(self._sockets, ignore_errors=True)
