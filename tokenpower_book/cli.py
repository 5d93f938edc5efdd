"""The command line: ``python -m tokenpower build|run|scenario|pdf|check-data|bench``.

Each sub-command prints what it is doing on long steps and exits non-zero on
any failure, with a message that names what went wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tokenpower_book.editions import EDITIONS
from tokenpower_book.errors import UsageError

__all__ = ["main", "parser"]


def _check_data(args) -> int:
    from tokenpower.data import DataPackage

    pkg = DataPackage(args.data_dir)
    problems = pkg.validate_all()
    if not problems:
        names = pkg.resource_names
        rows = sum(len(pkg.load(n)) for n in names)
        print(f"data OK: {len(names)} resources, {rows} rows, every foreign key resolves")
        return 0
    by_file: dict[str, list] = {}
    for p in problems:
        by_file.setdefault(p.file, []).append(p)
    for file, items in by_file.items():
        print(f"{file}: {len(items)} problem{'s' if len(items) > 1 else ''}")
        for p in items:
            print(f"  {p}")
    print(
        f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in {len(by_file)} file(s)",
        file=sys.stderr,
    )
    return 1


def _build(args) -> int:
    from tokenpower_book.build import build_book

    return 0 if build_book(root=Path(args.root), clean=args.clean, edition=args.edition) else 1


def _pdf(args) -> int:
    from tokenpower_book.pdf import build_pdf

    target = build_pdf(
        root=Path(args.root),
        edition=args.edition,
        with_code=args.with_code,
        output=Path(args.output) if args.output else None,
    )
    print(f"PDF: {target}")
    return 0


def _run(args) -> int:
    from tokenpower_book.rerun import changes_table, list_parameters, parameters_text, run_chapter

    if args.list_parameters:
        records = list_parameters(args.chapter, root=Path(args.root))
        if args.format == "json":
            print(json.dumps(records, indent=2))
        else:
            print(parameters_text(records))
        return 0
    if args.format != "text":
        raise UsageError("--format applies to --list-parameters only")
    out = run_chapter(
        args.chapter,
        args.param or [],
        root=Path(args.root),
        output_dir=Path(args.output) if args.output else None,
    )
    print(f"\nwhat changed against the book ({out.changes.book_source}):")
    print(changes_table(out.changes))
    print(f"\nre-run page:       {out.page}")
    print(f"executed notebook: {out.notebook}")
    print(f"done in {out.seconds:.0f} s")
    return 0


def _scenario(args) -> int:
    from tokenpower_book.scenario import list_presets, render, scenario_outcomes

    if args.list:
        if args.id:
            raise UsageError("--list takes no scenario id")
        print(render(list_presets(), args.format))
        return 0
    if not args.id:
        raise UsageError("give a scenario id, or --list to see the presets")
    table = scenario_outcomes(args.id, args.year, args.set, args.draws, args.seed)
    print(render(table, args.format))
    return 0


def _bench(args) -> int:
    from tokenpower_book.bench import run_benchmarks, run_page_sizes

    if args.pages:
        run_page_sizes(Path(args.pages))
        return 0
    run_benchmarks(root=Path(args.root), chapter=args.chapter, param=args.param)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tokenpower", description=__doc__.splitlines()[0])
    p.add_argument(
        "--root", default=".", help="the book's folder (where _config.yml is); default: ."
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser(
        "build", help="execute the chapters and build the HTML book into _build/html"
    )
    b.add_argument(
        "--clean", action="store_true", help="drop the execution cache and the staging build first"
    )
    b.add_argument(
        "--edition",
        choices=EDITIONS,
        default="teacher",
        help="teacher (with solutions, _build/html) or student (no solutions, also "
        "_build/html-student); default: teacher",
    )
    b.set_defaults(func=_build)

    d = sub.add_parser("pdf", help="build the whole book as one PDF, offline (Chromium prints it)")
    d.add_argument(
        "--edition", choices=EDITIONS, default="teacher", help="with or without solutions"
    )
    d.add_argument("--with-code", action="store_true", help="print the code cells too")
    d.add_argument(
        "-o", "--output", help="the PDF's path (default: _build/cables-coins-tokens[-student].pdf)"
    )
    d.set_defaults(func=_pdf)

    r = sub.add_parser(
        "run", help="re-execute one chapter with other values of its parameters cell"
    )
    r.add_argument("chapter", help="chapter file name without .md (e.g. intro), or its number")
    r.add_argument(
        "-p",
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="a new value for a variable of the chapter's parameters cell (repeatable)",
    )
    r.add_argument(
        "-o",
        "--output",
        help="folder for the re-run pages (default: _build/run); the page is <folder>/<chapter>/index.html",
    )
    r.add_argument(
        "--list-parameters",
        action="store_true",
        help="print the chapter's parameters (type, default, range or choices, unit, meaning) and exit",
    )
    r.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="with --list-parameters: a table (text) or a list of records (json)",
    )
    r.set_defaults(func=_run)

    s = sub.add_parser("scenario", help="solve a scenario preset and print its outcomes")
    s.add_argument("id", nargs="?", help="a preset of data/scenarios.csv (see --list)")
    s.add_argument("--list", action="store_true", help="list the presets and their descriptions")
    s.add_argument("--year", type=int, help="scenario year, 2026 to 2030 (sets scenario_year)")
    s.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="override a parameter of data/scenario_parameters.csv (repeatable)",
    )
    s.add_argument("--draws", type=int, help="Monte Carlo draws: adds p05, p50 and p95")
    s.add_argument("--seed", type=int, default=0, help="seed of the Monte Carlo draws (default 0)")
    s.add_argument(
        "--format", choices=("table", "json", "csv"), default="table", help="default: table"
    )
    s.set_defaults(func=_scenario)

    c = sub.add_parser(
        "check-data", help="validate every resource of data/ and print every problem"
    )
    c.add_argument(
        "--data-dir", default=None, help="the data folder (default: this checkout's data/)"
    )
    c.set_defaults(func=_check_data)

    m = sub.add_parser(
        "bench", help="time builds and re-execution, measure page sizes, print a table"
    )
    m.add_argument(
        "--chapter", default="intro", help="chapter to re-execute with parameters (default: intro)"
    )
    m.add_argument(
        "-p",
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="parameter for the re-execution timing (default: the chapter's first parameter, changed)",
    )
    m.add_argument(
        "--pages",
        metavar="SITE",
        help="only measure the pages of a site already built (e.g. _build/html): no build, no timing",
    )
    m.set_defaults(func=_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader closed the pipe (e.g. `| head`): nothing more to say
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
