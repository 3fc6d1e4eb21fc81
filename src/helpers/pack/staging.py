"""Where a build writes: a staging folder beside the pack, swapped in only when the whole build succeeded.

A failure (or a killed process) leaves the last good pack untouched. One build of a pack runs at a time (an
``fcntl.flock`` on ``reports/.lock-<pack>``; a second is refused with a message). Staging folders of killed builds
are removed and a pack left half-swapped is put back before the next build starts.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from helpers.errors import OutputError
from helpers.pack.keys import CACHE

#: The folders of a pack every build writes into.
FOLDERS = ("data", "executed", "downloads", CACHE)


@contextlib.contextmanager
def pack_lock(reports: Path, name: str) -> Iterator[None]:
    """Hold ``reports/.lock-<name>`` (``fcntl.flock``) for the build; refuse at once if another build has it.

    The lock is beside the pack rather than in it because the pack folder itself is swapped. The kernel drops the
    lock when the holder exits, however it exits (even SIGKILL), so a stale lock file never blocks a build.
    """
    path = reports / f".lock-{name}"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            raise OutputError(reports / name, "another build of this pack is running"
                              + (f" (process {holder})" if holder.isdigit() else ""),
                              expected="one build of a pack at a time: wait for it to finish, then build again"
                              ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the flock


def clean_stale(reports: Path, name: str) -> None:
    """Remove staging folders left by killed builds; restore a pack left half-swapped."""
    for stale in reports.glob(f".staging-{name}-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if not (pid.isdigit() and _alive(int(pid))):
            shutil.rmtree(stale, ignore_errors=True)
    pack = reports / name
    for old in sorted(reports.glob(f".old-{name}-*")):
        if not pack.exists():
            old.rename(pack)
        else:
            shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def swap(staging: Path, pack_dir: Path) -> None:
    """Put ``staging`` in the pack's place; the last good pack comes back if the rename fails."""
    old = pack_dir.parent / f".old-{pack_dir.name}-{os.getpid()}"
    if pack_dir.exists():
        pack_dir.rename(old)
    try:
        staging.rename(pack_dir)
    except BaseException:
        if old.exists() and not pack_dir.exists():
            old.rename(pack_dir)  # put the last good pack back
        raise
    shutil.rmtree(old, ignore_errors=True)


def notebook_outputs(pack: Path, name: str) -> list[Path]:
    """Files in a pack that belong to one notebook (removed before it is re-executed)."""
    files = [pack / "executed" / f"{name}.ipynb", pack / "data" / f"metrics_{name}.json",
             pack / "data" / f"disclosure_{name}.json", pack / f"{name}.html"]
    files += list((pack / "downloads").glob(f"{name}-*"))
    return files


@contextlib.contextmanager
def staged(pack_dir: Path, *, fresh: bool, re_execute: Iterable[str],
           notebooks: Iterable[str] | None = None) -> Iterator[Path]:
    """A staging folder beside ``pack_dir``, swapped into its place when the block ends, removed if it fails.

    It starts as a copy of the last good pack (empty when ``fresh``) without the outputs of the notebooks in
    ``re_execute``, so what they no longer write does not linger, nor those of a notebook that is no longer one of
    the pack's ``notebooks`` (renamed, removed, or not in this variant).
    """
    staging = pack_dir.parent / f".staging-{pack_dir.name}-{os.getpid()}"
    try:
        shutil.rmtree(staging, ignore_errors=True)
        if pack_dir.exists() and not fresh:
            shutil.copytree(pack_dir, staging, symlinks=True)
        gone = set()
        if notebooks is not None:
            gone = {p.stem for p in (staging / "executed").glob("*.ipynb")} - set(notebooks)
        for name in [*re_execute, *sorted(gone)]:
            for f in notebook_outputs(staging, name):
                f.unlink(missing_ok=True)
        for sub in FOLDERS:
            (staging / sub).mkdir(parents=True, exist_ok=True)
        yield staging
        swap(staging, pack_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
