"""The project's own error for a user mistake in an input file or config.

Every reader raises :class:`InputError` (never a bare pandas/lxml/pydantic error) so that the CLI can print one
clear message and exit with code 2: which file, where in it (row, element path or key), which field, what was
expected and what was found.
"""

from __future__ import annotations

import errno
from pathlib import Path


class InputError(Exception):
    """A problem with an input the user supplied (data file or pack config)."""

    def __init__(
        self,
        file: str | Path,
        problem: str,
        *,
        where: str | None = None,
        field: str | None = None,
        expected: str | None = None,
        found: object = None,
    ) -> None:
        self.file = str(file)
        self.problem = problem
        self.where = where
        self.field = field
        self.expected = expected
        self.found = found
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """One line: ``file: where: field: problem (expected ...; found ...)``."""
        parts = [self.file]
        if self.where:
            parts.append(self.where)
        if self.field:
            parts.append(f"field '{self.field}'")
        text = ": ".join(parts) + f": {self.problem}"
        details = []
        if self.expected:
            details.append(f"expected {self.expected}")
        if self.found is not None:
            found = str(self.found)
            details.append(f"found {'…' + found[-79:]!r}" if len(found) > 80 else f"found {found!r}")
        if details:
            text += " (" + "; ".join(details) + ")"
        return text


class BuildError(Exception):
    """A notebook failed while the pack was being built (exit code 1)."""


class NotebookInputError(InputError):
    """An InputError raised inside a notebook's kernel, carried back to the CLI with its message unchanged."""

    def __init__(self, message: str) -> None:
        Exception.__init__(self, message)
        self._message = message

    @property
    def message(self) -> str:
        return self._message


class OutputError(InputError):
    """The pack cannot be written: ``reports/`` is read-only or the disk is full, or another build holds the pack.

    Not the user's data at fault, but the same kind of answer: one message naming the folder and what to do,
    exit code 2, and the last good pack left as it was.
    """

    def __init__(self, folder: str | Path, problem: str, *, expected: str | None = None) -> None:
        super().__init__(folder, problem, expected=expected)


#: ``errno`` values that mean "this folder cannot be written" (not a bug in the build).
UNWRITABLE_ERRNOS = frozenset({errno.EPERM, errno.EACCES, errno.ENOSPC, errno.EROFS, errno.EDQUOT})


def unwritable(exc: BaseException) -> bool:
    """True for an OSError saying the disk is full or the folder is read-only / not ours."""
    return isinstance(exc, OSError) and exc.errno in UNWRITABLE_ERRNOS
