"""The ``evidence-pack`` command: ``build``, ``check``, ``list-las``.

Exit codes: 0 success; 1 a notebook failed (message names notebook, cell and error); 2 bad config or input (one
message naming the file, place, field and what was expected). Never a traceback for a user mistake.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from collections.abc import Sequence

from helpers.config import VARIANTS, load_pack
from helpers.errors import BuildError, InputError

#: Each command imports only what it runs (``# lazy:`` below), so ``evidence-pack check`` starts fast.


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def cmd_build(args: argparse.Namespace) -> int:
    from helpers.pack.build import Builder  # lazy: only `build` pays for the build's imports  # noqa: PLC0415

    cfg = load_pack(args.config)
    variants = [args.variant] if args.variant else list(cfg.variants)
    only = [o for item in (args.only or []) for o in item.split(",") if o]
    if args.executor == "dask" and not args.scheduler:
        raise InputError("--scheduler", "a Dask scheduler address is needed with --executor dask",
                         expected="e.g. tcp://127.0.0.1:8786")
    las = [item.strip() for value in (args.las or []) for item in value.split(",") if item.strip()]
    if args.all_las or las:
        from helpers.pack.batch import build_all_las  # lazy: only `build --all-las` needs it  # noqa: PLC0415

        build_all_las(cfg, jobs=args.jobs, force=args.force, executor=args.executor,
                      scheduler=args.scheduler, progress=_progress, limit=args.limit, las=las or None)
        return 0
    for variant in variants:
        Builder(cfg, variant=variant, only=only or None, jobs=args.jobs, force=args.force,
                pdf=not args.no_pdf, progress=_progress, formats=args.formats).run()
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from helpers.pack.check import check_inputs  # lazy: only `check` reads every input  # noqa: PLC0415

    cfg = load_pack(args.config)
    for key, value in check_inputs(cfg).items():
        print(f"{key}: {value}")
    print("config and inputs are valid")
    return 0


def cmd_inspection(args: argparse.Namespace) -> int:
    from helpers.pack.inspection import cli_main  # lazy: only `inspection` needs the lists  # noqa: PLC0415

    return cli_main(args, _progress)


def cmd_list_las(args: argparse.Namespace) -> int:
    from helpers.sources import ees  # lazy: only `list-las` and `check` read DfE files  # noqa: PLC0415

    table = ees.list_las(ees.read_release([Path(p) for p in args.data]))
    for row in table.itertuples(index=False):
        print(f"{row.old_code}\t{row.code}\t{row.name}\t{row.region_name}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="evidence-pack", description="Build the SEND evidence pack.")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="run the notebooks and render the pack into reports/<pack>/")
    b.add_argument("config", help="pack config, e.g. config/demo.yaml")
    b.add_argument("--only", action="append", metavar="NOTEBOOK",
                   help="build only these notebooks (and 00_data_quality); repeat or comma-separate")
    b.add_argument("--variant", choices=VARIANTS, help="build one variant (default: those in the config)")
    b.add_argument("--jobs", type=int, default=os.cpu_count(), help="notebooks run at once (default: cores)")
    b.add_argument("--force", action="store_true", help="rebuild everything, ignoring the cache")
    b.add_argument("--no-pdf", action="store_true", help="skip printing pack.pdf")
    b.add_argument("--formats", metavar="LIST", help="formats to write, comma-separated from html,pdf,docx,xlsx "
                   "(default: all that can be; the HTML pages are always written)")
    b.add_argument("--all-las", action="store_true", help="build a public DfE-only pack for every LA")
    b.add_argument("--executor", choices=("local", "dask"), default="local", help="where --all-las runs")
    b.add_argument("--scheduler", help="Dask scheduler address for --executor dask")
    b.add_argument("--las", action="append", metavar="LAS",
                   help="build public DfE-only packs for these councils only: DfE numbers, codes or names, "
                        "comma-separated (e.g. 886,887,825 or Kent,Medway); implies --all-las")
    b.add_argument("--limit", type=int, help="with --all-las: only the first N LAs by name (for a trial run)")
    b.set_defaults(func=cmd_build)
    c = sub.add_parser("check", help="validate the config and every input without running notebooks")
    c.add_argument("config")
    c.set_defaults(func=cmd_check)
    i = sub.add_parser("inspection", help="write the inspection lists (personal data) and their page: restricted")
    i.add_argument("config", help="pack config, e.g. config/demo.yaml")
    i.set_defaults(func=cmd_inspection)
    ls = sub.add_parser("list-las", help="list the LAs (codes and names) found in DfE release files")
    ls.add_argument("data", nargs="+", help="release zip(s) or folder(s)")
    ls.set_defaults(func=cmd_list_las)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except InputError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: the previous pack is unchanged", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
