"""`manage.py export_stack_config`: write the current registrations and resources as distribution YAML."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apis.providers.services import stack_config_export


class Command(BaseCommand):
    help = "Export the current provider registrations and registered resources as distribution YAML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", type=Path, help="Write to this file instead of standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        document = stack_config_export()
        if options["output"]:
            options["output"].write_text(document)
            self.stdout.write(self.style.SUCCESS(f"Wrote {options['output']}."))
        else:
            self.stdout.write(document, ending="")
