"""Compare two built packs: identical tables, CSV downloads, metrics, figure images; page text apart from build lines.

Used to show a refactor changed nothing a reader or reviewer can see:
``python scripts/compare_packs.py reports-before/demo reports/demo``. Exit 1 and a list of differences if any.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
from pathlib import Path

import pandas as pd

IMG = re.compile(r'<img[^>]+src="data:image/png;base64,([^"]+)"')
#: Lines that legitimately change between builds: timestamps, code version, hashes of the code.
VOLATILE = re.compile(r"(Built|built|Code version|commit|\d{2}:\d{2}(:\d{2})?|[0-9a-f]{7,64}(\+changes)?)")


def _frames_equal(a: Path, b: Path) -> str | None:
    fa, fb = pd.read_parquet(a), pd.read_parquet(b)
    try:
        pd.testing.assert_frame_equal(fa, fb, check_exact=True)
    except AssertionError as exc:
        return str(exc).splitlines()[0]
    return None


def _text(html: str) -> list[str]:
    body = IMG.sub("<img>", html)
    text = re.sub(r"<[^>]+>", "\n", body)
    return [VOLATILE.sub("~", line.strip()) for line in text.splitlines() if line.strip()]


def compare(before: Path, after: Path) -> list[str]:
    """Every difference between two pack folders that a refactor must not make."""
    problems: list[str] = []
    for sub, pattern in (("data", "*.parquet"), ("data", "*.json"), ("downloads", "*")):
        names_a = {p.name for p in (before / sub).glob(pattern)}
        names_b = {p.name for p in (after / sub).glob(pattern)}
        for name in sorted(names_a ^ names_b):
            problems.append(f"{sub}/{name}: only in {'before' if name in names_a else 'after'}")
        for name in sorted(names_a & names_b):
            a, b = before / sub / name, after / sub / name
            if name.endswith(".parquet"):
                why = _frames_equal(a, b)
                if why:
                    problems.append(f"{sub}/{name}: {why}")
            elif name == "keys.json":
                continue
            elif name.endswith(".json") and json.loads(a.read_text()) != json.loads(b.read_text()):
                problems.append(f"{sub}/{name}: contents differ")
            elif not name.endswith(".json") and a.read_bytes() != b.read_bytes():
                problems.append(f"{sub}/{name}: bytes differ")
    for page in sorted(p.name for p in before.glob("*.html")):
        a, b = (before / page).read_text(encoding="utf-8"), (after / page).read_text(encoding="utf-8")
        ia = [hashlib.sha256(base64.b64decode(x)).hexdigest()[:12] for x in IMG.findall(a)]
        ib = [hashlib.sha256(base64.b64decode(x)).hexdigest()[:12] for x in IMG.findall(b)]
        if ia != ib:
            first = next((i for i, (x, y) in enumerate(zip(ia, ib, strict=False)) if x != y), min(len(ia), len(ib)))
            problems.append(f"{page}: figures differ ({len(ia)} vs {len(ib)}; first differing #{first})")
        ta, tb = _text(a), _text(b)
        if ta != tb:
            diff = [f"- {x}  |  + {y}" for x, y in zip(ta, tb, strict=False) if x != y][:3]
            problems.append(f"{page}: text differs ({len(ta)} vs {len(tb)} lines) " + "; ".join(diff))
    return problems


def main(argv: list[str]) -> int:
    problems = compare(Path(argv[0]), Path(argv[1]))
    for line in problems:
        print(line)
    print("identical" if not problems else f"{len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
