"""Open a DfE release as downloaded: a zip (members checked for size, compression ratio, encryption and
duplicates before anything is decompressed) or its unzipped folder (a few levels deep, bounded in size).

:func:`open_release` yields the release's data-file names and a loader giving each file's bytes, the path to
show in messages (for a zip, the zip path followed by the member path) and its path inside the release.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers.errors import InputError
from helpers.sources.ees_layouts import LAYOUTS

#: Limits on what a release may hold, checked before anything is decompressed (real files: at most ~10 MB each,
#: compressing 5-20 times). A zip bomb or a wrong path ends in one message, quickly and in little memory.
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_RELEASE_BYTES = 1024 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_FOLDER_ENTRIES = 2000

EXPECTED = "the release's all-data zip as downloaded, or its unzipped folder"
KNOWN_FILES: frozenset[str] = frozenset(f.name for layout in LAYOUTS for f in layout.files)

#: A file's bytes, the path shown in messages and its path inside the release (``data/requests.csv``).
Loader = Callable[[str], tuple[bytes, str, str]]


@contextmanager
def open_release(path: Path) -> Iterator[tuple[set[str], Loader]]:
    """The release's data files (lower-case names) and their loader; the zip stays open while in use."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError(path, "DfE release not found", expected=EXPECTED) from None
    except OSError as exc:
        raise InputError(path, f"cannot read the path ({exc.strerror})", expected=EXPECTED) from None
    if stat.S_ISDIR(st.st_mode):
        members = release_folder_files(path)
        yield set(members), lambda name: _load_file(path, members[name])
        return
    if not stat.S_ISREG(st.st_mode):
        raise InputError(path, "not a regular file or folder (a device, pipe or socket)", expected=EXPECTED)
    if st.st_size > MAX_RELEASE_BYTES:
        raise InputError(path, f"the file is too large for a DfE release zip ({st.st_size:,} bytes)",
                         expected=f"at most {MAX_RELEASE_BYTES:,} bytes (the 2025 release is 6 MB)")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, UnicodeDecodeError, ValueError):
        raise InputError(path, "not a readable zip file (damaged, truncated, not a zip, or a file name inside it "
                         "is not readable text)", expected=EXPECTED) from None
    with archive:
        infos = zip_members(path, archive)

        def load(name: str) -> tuple[bytes, str, str]:
            info = infos[name]
            return read_member(archive, info, f"{path}/{info.filename}"), f"{path}/{info.filename}", info.filename

        yield set(infos), load


def _load_file(root: Path, file: Path) -> tuple[bytes, str, str]:
    """One file of an unzipped release folder, refused when larger than any release file."""
    try:
        size = file.stat().st_size
        if size > MAX_MEMBER_BYTES:
            raise InputError(file, f"the file is too large for a DfE release file ({size:,} bytes)",
                             expected=f"at most {MAX_MEMBER_BYTES:,} bytes")
        return file.read_bytes(), str(file), file.relative_to(root).as_posix()
    except OSError as exc:
        raise InputError(file, f"cannot read the file ({exc.strerror})") from None


def zip_members(path: Path, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The zip's data members by lower-case file name, each checked (:func:`check_member`), total size bounded."""
    infos: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        n = info.filename
        if n.endswith("/") or n.startswith("__MACOSX") or not is_data_name(Path(n).name):
            continue
        key = Path(n).name.lower()
        if key in infos and key in KNOWN_FILES:
            raise InputError(path, f"the zip holds two files called {Path(n).name}",
                             where=f"{infos[key].filename} and {n}",
                             expected="one copy of each release file, as DfE's download has")
        infos.setdefault(key, info)
    total = 0
    for info in infos.values():
        check_member(path, info)
        total += info.file_size
    if total > MAX_RELEASE_BYTES:
        raise InputError(path, f"the zip's files would unpack to {total:,} bytes, far more than a DfE release",
                         expected=f"at most {MAX_RELEASE_BYTES:,} bytes in all")
    return infos


def release_folder_files(path: Path) -> dict[str, Path]:
    """The data files of an unzipped release folder (a few levels deep), refusing folders that are not one."""
    found: dict[str, Path] = {}
    seen = 0
    stack = [(path, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            entries = sorted(folder.iterdir())
        except OSError as exc:
            raise InputError(folder, f"cannot read the folder ({exc.strerror})", expected=EXPECTED) from None
        for entry in entries:
            seen += 1
            if seen > MAX_FOLDER_ENTRIES:
                raise InputError(path, f"this folder holds more than {MAX_FOLDER_ENTRIES:,} files and folders, so "
                                 "it is not an unzipped DfE release", expected=EXPECTED)
            if entry.is_symlink():
                continue
            if entry.is_dir() and depth < 3 and not entry.name.startswith((".", "__MACOSX")):
                stack.append((entry, depth + 1))
            elif entry.is_file() and is_data_name(entry.name):
                key = entry.name.lower()
                if key in found and key in KNOWN_FILES:
                    raise InputError(path, f"the release holds two files called {entry.name}",
                                     where=f"{found[key].relative_to(path)} and {entry.relative_to(path)}",
                                     expected="one copy of each release file (remove the other folder)")
                found.setdefault(key, entry)
    return found


def check_member(path: Path, info: zipfile.ZipInfo) -> None:
    """Refuse an encrypted, oversized or suspiciously compressed zip member before decompressing anything."""
    where = f"{path}/{info.filename}"
    if info.flag_bits & 0x1:
        raise InputError(where, "the zip member is encrypted (password protected)",
                         expected="the release zip exactly as downloaded from explore-education-statistics")
    if info.file_size > MAX_MEMBER_BYTES:
        raise InputError(where, f"the zip member would unpack to {info.file_size:,} bytes, far more than a DfE "
                         "release file", expected=f"at most {MAX_MEMBER_BYTES:,} bytes")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO:
        raise InputError(where, f"the zip member is compressed {ratio:,.0f} times (a zip bomb?)",
                         expected=f"at most {MAX_COMPRESSION_RATIO} times, as real CSV files are")


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> bytes:
    """A member's bytes, read in chunks and stopped as soon as it exceeds its declared (checked) size."""
    limit = min(info.file_size, MAX_MEMBER_BYTES)
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise InputError(where, "the zip member unpacks to more than its header says (a damaged "
                                     "or forged zip)", expected=f"{info.file_size:,} bytes")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise InputError(where, f"the zip member is damaged or truncated ({exc})", expected=EXPECTED) from None
    return b"".join(chunks)


def is_data_name(name: str) -> bool:
    return name.lower().endswith(".csv") and not name.startswith("._")

