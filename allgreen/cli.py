"""The ``allgreen`` command: ``run``, ``serve``, ``init`` and ``--version``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TextIO

from allgreen.engine import RunOptions, failed_run_report, run_config
from allgreen.errors import ConfigError
from allgreen.loader import load_config
from allgreen.report import CheckResult, Report
from allgreen.version import VERSION

INIT_EXISTS = (
    "{path} already exists; allgreen init never overwrites a file (remove it or pick another path)"
)
INIT_WROTE = "wrote {path}: run it with `pytest --allgreen {path}` or `allgreen run {path}`"

_ICONS = {"passed": "✓", "failed": "✗", "error": "!", "skipped": "-"}
_COLOURS = {"passed": "32", "failed": "31", "error": "31", "skipped": "33"}
_OVERALL = {"pass": ("32", "all good"), "warn": ("33", "warnings"), "fail": ("31", "FAILING")}


def _paint(text: str, colour: str, enabled: bool) -> str:
    return f"\033[{colour}m{text}\033[0m" if enabled else text


def _wants_colour(stream: TextIO) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR")


def _summary_line(result: CheckResult) -> str:
    if result.status == "skipped":
        return result.skip_reason or ""
    if result.cached:
        return f"(cached) {result.message or ''}".strip()
    return result.message or ""


def format_table(report: Report, *, colour: bool = False) -> str:
    """Return the report as a readable table, one row per check, and a summary line."""
    lines = []
    if report.error:
        lines.append(_paint("config error:", "31", colour) + " " + report.error)
    width = max((len(r.id) for r in report.checks), default=2)
    for result in report.checks:
        icon = _paint(_ICONS[result.status], _COLOURS[result.status], colour)
        status = _paint(f"{result.status:<7}", _COLOURS[result.status], colour)
        duration = f"{result.duration_ms:8.1f} ms" if result.status != "skipped" else " " * 11
        lines.append(f"{icon} {status} {result.id:<{width}} {duration}  {result.description}")
        extra = _summary_line(result)
        if extra:
            lines.append(f"{'':{width + 24}}{extra}")
    counts = ", ".join(f"{n} {status}" for status, n in report.counts.items() if n)
    code, word = _OVERALL[report.status]
    lines.append(
        f"{_paint(word, code, colour)}: {counts or 'no checks'} "
        f"in {report.duration_ms / 1000:.2f}s ({report.environment})"
    )
    return "\n".join(lines)


def run_once(path: str | Path | None, options: RunOptions, *, progress: bool = False) -> Report:
    """Load the config at ``path`` and run it once; a config that does not load is a failed report.

    :param progress: say on stderr which file runs and how many checks it has.
    """
    try:
        config = load_config(path)
    except ConfigError as exc:
        return failed_run_report(exc.relative_to(Path.cwd()), options)
    if progress:
        print(f"running {len(config.checks)} checks from {config.path} …", file=sys.stderr)
    return run_config(config, options)


def command_run(args: argparse.Namespace) -> int:
    """Run the checks once, print a table (or JSON), return 0 unless the status is fail."""
    options = RunOptions(environment=args.env, timeout=args.timeout, tag=args.tag)
    report = run_once(args.path, options, progress=not args.json and _wants_colour(sys.stderr))
    if args.json:
        print(report.to_json())
    else:
        print(format_table(report, colour=_wants_colour(sys.stdout)))
    return 1 if report.status == "fail" else 0


def command_init(args: argparse.Namespace) -> int:
    """Write a commented starter ``allgood.py``; refuse to overwrite."""
    path = Path(args.path)
    if path.exists():
        print(INIT_EXISTS.format(path=path), file=sys.stderr)
        return 1
    template = resources.files("allgreen").joinpath("templates/allgood.py.tmpl").read_text("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(template, encoding="utf-8")
    print(INIT_WROTE.format(path=path))
    return 0


def command_serve(args: argparse.Namespace) -> int:
    """Serve the endpoint and dashboard on waitress until SIGTERM or Ctrl-C."""
    from allgreen.server import serve

    try:
        return serve(
            args.path,
            host=args.host,
            port=args.port,
            environment=args.env,
            token=args.token,
            timeout=args.timeout,
        )
    except ImportError as exc:
        print(f"allgreen serve: {exc}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``allgreen`` command."""
    parser = argparse.ArgumentParser(
        prog="allgreen", description="Health checks written like tests, run everywhere."
    )
    parser.add_argument("--version", action="version", version=f"allgreen {VERSION}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the checks once and print the results")
    run.add_argument(
        "path", nargs="?", help="allgood.py (default: ./allgood.py or ./config/allgood.py)"
    )
    run.add_argument("--env", help="environment (default: $ALLGREEN_ENV, else development)")
    run.add_argument("--timeout", type=float, help="default limit per check in seconds (0: none)")
    run.add_argument("--tag", help="run only the checks with this tag")
    run.add_argument("--json", action="store_true", help="print the JSON report instead of a table")
    run.set_defaults(handler=command_run)

    serve = commands.add_parser("serve", help="serve the page, JSON and metrics over HTTP")
    serve.add_argument(
        "path", nargs="?", help="allgood.py (default: ./allgood.py or ./config/allgood.py)"
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument(
        "--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)"
    )
    serve.add_argument("--env", help="environment (default: $ALLGREEN_ENV, else development)")
    serve.add_argument("--token", help="bearer token for check details (default: $ALLGREEN_TOKEN)")
    serve.add_argument("--timeout", type=float, help="default limit per check in seconds (0: none)")
    serve.set_defaults(handler=command_serve)

    init = commands.add_parser("init", help="write a commented starter allgood.py")
    init.add_argument("path", nargs="?", default="allgood.py", help="where to write it")
    init.set_defaults(handler=command_init)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``allgreen`` command line and return its exit code."""
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
