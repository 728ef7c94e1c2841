"""`manage.py export_openapi`: regenerate the committed OpenAPI document (docs/openapi.json)."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

DEFAULT_PATH = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def openapi_document() -> str:
    from stackproject.api import api

    return json.dumps(api.get_openapi_schema(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI document generated from the schemas to docs/openapi.json (or --output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", type=Path, default=DEFAULT_PATH)
        parser.add_argument("--check", action="store_true", help="Exit 1 if the file is not up to date.")

    def handle(self, *args: Any, **options: Any) -> None:
        document = openapi_document()
        path: Path = options["output"]
        if options["check"]:
            if not path.exists() or path.read_text() != document:
                self.stderr.write(f"{path} is stale: run `python manage.py export_openapi`.")
                raise SystemExit(1)
            self.stdout.write(f"{path} is up to date.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}."))
