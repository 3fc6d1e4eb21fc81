"""Regenerate the synthetic demo data under ``data/demo/``: ``python -m helpers.demo [--out DIR] [--seed N]``.

The SEN2 generator (:mod:`helpers.demo.sen2`) runs first; its annual totals for Northby then replace Northby's
figures in the synthetic DfE release, so the two demo sources agree.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from helpers.config import project_root
from helpers.demo import ees, improvement, pilot, recruitment, sen2

SEED = 20251
"""The seed the committed demo data were made with (also stated in data/demo/README.md)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=project_root(Path(__file__).parent) / "data" / "demo",
                        help="folder to write (default: the repo's data/demo)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = parser.parse_args(argv)
    totals = sen2.write_demo(args.out, args.seed)
    print(f"wrote the synthetic SEN2 and workforce files to {args.out}")
    path = ees.write_release(args.out / "ees", args.seed, totals)
    print(f"wrote the synthetic DfE release to {path}")
    improvement.write_demo(args.out, args.seed)  # issue 16: therapies and outcomes files
    print(f"wrote the synthetic therapies and outcomes files to {args.out}")
    pilot.write_demo(args.out, args.seed)
    recruitment.write_demo(args.out, args.seed)
    print(f"wrote the synthetic pilot and EP recruitment files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
