"""The kernel pool cannot starve: failed or dead kernels free their place, and every wait is bounded.

Uses stand-in kernels (no Jupyter processes) so that the scheduling rules are checked in milliseconds; the real
kernels are exercised by tests/pack/test_build.py.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from helpers.errors import BuildError
from helpers.pack.kernels import KernelPool


class FakeKernel:
    def __init__(self, n: int) -> None:
        self.n, self.alive, self.shut = n, True, False

    def is_alive(self) -> bool:
        return self.alive

    def shutdown_kernel(self, now: bool = False) -> None:
        self.alive, self.shut = False, True


class FakeClient:
    def stop_channels(self) -> None:
        pass


class FakePool(KernelPool):
    def __init__(self, size: int, tmp: Path, wait_timeout: float = 5.0, fail_start: bool = False) -> None:
        super().__init__(size, tmp, wait_timeout=wait_timeout)
        self.started: list[FakeKernel] = []
        self.fail_start = fail_start

    def _start(self) -> FakeKernel:  # type: ignore[override]
        if self.fail_start:
            raise OSError("no such kernel")
        km = FakeKernel(len(self.started))
        self.started.append(km)
        return km

    def _client(self, km: FakeKernel, code: str) -> FakeClient:  # type: ignore[override]
        return FakeClient()


def test_waiters_get_replacements_when_every_kernel_fails(tmp_path: Path) -> None:
    """Two notebooks fail on the pool's two kernels while a third waits: the third gets a new kernel (the hang of
    issue 22: retired kernels were never replaced, so the waiter blocked for ever)."""
    pool = FakePool(2, tmp_path)
    inside = threading.Barrier(2)
    got: list[int] = []

    def failing() -> None:
        with pytest.raises(ZeroDivisionError), pool.kernel("07_fail"):
            inside.wait(timeout=5)
            time.sleep(0.05)
            raise ZeroDivisionError

    def waiting() -> None:
        time.sleep(0.02)  # arrives while both kernels are busy
        with pool.kernel("09_ok") as (km, _):
            got.append(km.n)

    threads = [threading.Thread(target=failing), threading.Thread(target=failing), threading.Thread(target=waiting)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert not any(t.is_alive() for t in threads), "a notebook is still waiting for a kernel"
    assert got == [2]  # a third kernel, started after the first two were retired
    assert [k.shut for k in pool.started] == [True, True, False]
    pool.shutdown()
    assert all(k.shut for k in pool.started)


def test_a_kernel_that_died_while_idle_is_replaced(tmp_path: Path) -> None:
    pool = FakePool(1, tmp_path)
    with pool.kernel("00") as (km, _):
        first = km
    first.alive = False
    with pool.kernel("01") as (km, _):
        assert km is not first and km.alive
    assert first.shut
    pool.shutdown()


def test_a_healthy_kernel_is_reused(tmp_path: Path) -> None:
    pool = FakePool(1, tmp_path)
    with pool.kernel("00") as (a, _):
        pass
    with pool.kernel("01") as (b, _):
        pass
    assert a is b and len(pool.started) == 1
    pool.shutdown()


def test_waiting_for_a_kernel_times_out_naming_the_notebook(tmp_path: Path) -> None:
    pool = FakePool(1, tmp_path, wait_timeout=0.2)
    with pool.kernel("01_request_growth"):
        t = time.perf_counter()
        with pytest.raises(BuildError, match=r"notebook 05_benchmarks: no kernel became free within 0 s"), \
                pool.kernel("05_benchmarks"):
            pass
        assert time.perf_counter() - t < 2
    pool.shutdown()


def test_a_kernel_that_cannot_start_frees_its_place(tmp_path: Path) -> None:
    pool = FakePool(1, tmp_path, fail_start=True)
    for name in ("01_a", "02_b"):  # the second would wait for ever if the first had kept the place
        with pytest.raises(BuildError, match=f"notebook {name}: a Python kernel could not be started"), \
                pool.kernel(name):
            pass
    pool.fail_start = False
    with pool.kernel("03_c") as (km, _):
        assert km.alive
    pool.shutdown()


def test_shutdown_releases_waiters(tmp_path: Path) -> None:
    pool = FakePool(1, tmp_path, wait_timeout=30)
    errors: list[str] = []

    def waiting() -> None:
        try:
            with pool.kernel("05_waiting"):
                pass
        except BuildError as exc:
            errors.append(str(exc))

    with pool.kernel("04_busy"):
        t = threading.Thread(target=waiting)
        t.start()
        time.sleep(0.05)
        pool.shutdown()
        t.join(timeout=5)
    assert not t.is_alive() and errors and "05_waiting" in errors[0]
