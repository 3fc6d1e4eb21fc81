"""The pack's notebooks and their order: one list, discovered from ``notebooks/NN_*.ipynb``.

``00_data_quality`` runs first; every other notebook depends on it, plus what its metadata names
(``metadata.evidence_pack.depends_on``). The build, the pages, the print page, the Word document and the batch all
take their notebooks from :func:`discover`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.errors import InputError
from helpers.present.labels import nav_label

SOURCE_NOTEBOOK = "00_data_quality"
PATTERN = "[0-9][0-9]_*.ipynb"


@dataclass(frozen=True)
class Task:
    """One notebook of the pack, the notebooks it reads from and its label in the navigation."""

    name: str
    path: Path
    depends_on: tuple[str, ...]
    label: str = ""


def notebook_json(path: Path) -> dict[str, Any]:
    """A notebook file as plain JSON (nbformat's validator costs a second of imports; a no-op build needs none)."""
    nb: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return nb


def _for_variant(meta: dict[str, Any], variant: str | None) -> bool:
    """True unless the notebook's ``metadata.evidence_pack.variants`` lists builds and ``variant`` is not one."""
    return variant is None or variant in meta.get("variants", [variant])


def discover(root: Path, only: list[str] | None = None, variant: str | None = None) -> list[Task]:
    """The pack's notebooks (``notebooks/NN_*.ipynb``) with their dependencies, in a valid run order; with
    ``only``, those notebooks and ``00_data_quality``; with ``variant``, only the notebooks that build has (a
    notebook whose metadata lists ``variants``, such as the restricted inspection lists, is left out of others)."""
    paths = [p for p in sorted((root / "notebooks").glob(PATTERN))
             if _for_variant(notebook_json(p).get("metadata", {}).get("evidence_pack", {}), variant)]
    names = [p.stem for p in paths]
    if only:
        unknown = [o for o in only if o not in names]
        if unknown:
            raise InputError("--only", "no such notebook", found=", ".join(unknown),
                             expected="one of " + ", ".join(names))
    tasks = []
    for p in paths:
        meta = notebook_json(p).get("metadata", {}).get("evidence_pack", {})
        deps = [] if p.stem == SOURCE_NOTEBOOK else [SOURCE_NOTEBOOK]
        deps += [d for d in meta.get("depends_on", []) if d in names and d not in deps]
        tasks.append(Task(p.stem, p, tuple(deps), nav_label(p.stem, meta.get("nav_label"))))
    if only:
        wanted = set(only) | {SOURCE_NOTEBOOK}
        keep = {t.name for t in tasks if t.name in wanted}
        tasks = [Task(t.name, t.path, tuple(d for d in t.depends_on if d in keep), t.label)
                 for t in tasks if t.name in keep]
    return tasks


def source_cell_number(source: Path, cell_index: int) -> int:
    """1-based number, in the source notebook, of the executed notebook's cell ``cell_index``.

    papermill inserts its injected-parameters cell right after the ``parameters`` cell (or first if none).
    """
    cells = notebook_json(source)["cells"]
    params = next((i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])), -1)
    return cell_index + (0 if cell_index > params + 1 else 1)
