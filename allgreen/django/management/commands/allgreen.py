"""``python manage.py allgreen``: run the checks once, print the CLI's table, exit 1 on fail."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from allgreen.cli import format_table, run_once
from allgreen.django.settings import endpoint_options
from allgreen.engine import RunOptions

FAILING = "the health checks are failing (status {status})"


class Command(BaseCommand):
    help = "Run the allgreen health checks of settings.ALLGREEN once and print the results."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", help="allgood.py (default: ALLGREEN['CONFIG_PATH'], else found)"
        )
        parser.add_argument(
            "--env", help="environment (default: ALLGREEN, $ALLGREEN_ENV, else development)"
        )
        parser.add_argument(
            "--timeout", type=float, help="default limit per check in seconds (0: none)"
        )
        parser.add_argument("--tag", help="run only the checks with this tag")
        parser.add_argument("--json", action="store_true", help="print the JSON report instead")

    def handle(self, *args: Any, **options: Any) -> None:
        settings = endpoint_options()
        run_options = RunOptions(
            environment=options["env"] or settings.get("environment"),
            app_name=settings.get("app_name"),
            timeout=options["timeout"]
            if options["timeout"] is not None
            else settings.get("timeout"),
            tag=options["tag"],
            store=settings.get("store"),
        )
        report = run_once(options["path"] or settings.get("config_path"), run_options)
        if options["json"]:
            self.stdout.write(report.to_json())
        else:
            colour = self.stdout.isatty() and not options.get("no_color")
            self.stdout.write(format_table(report, colour=bool(colour)))
        if report.status == "fail":
            # The same exit code as `allgreen run`: 1 when a critical check fails.
            raise CommandError(FAILING.format(status=report.status), returncode=1)
