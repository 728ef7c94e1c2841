"""`manage.py create_api_key <principal> [--attr roles=admin ...]`: prints the new key on its last line."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apis.access.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for a principal; the key is printed once, on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("principal")
        parser.add_argument("--attr", action="append", default=[], metavar="KIND=VALUE",
                            help="An attribute value, e.g. roles=admin or teams=ml (repeat for more).")
        parser.add_argument("--description", default="")
        parser.add_argument("--requests-per-minute", type=int)
        parser.add_argument("--requests-per-day", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        attributes: dict[str, list[str]] = {}
        for item in options["attr"]:
            kind, sep, value = item.partition("=")
            if not sep or not kind or not value:
                raise CommandError(f"--attr takes KIND=VALUE, not '{item}'.")
            attributes.setdefault(kind, []).append(value)
        try:
            created = api_key_create(
                principal=options["principal"], attributes=attributes, description=options["description"],
                requests_per_minute=options["requests_per_minute"], requests_per_day=options["requests_per_day"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Created an API key for '{created.api_key.principal}' with attributes {attributes}.")
        self.stdout.write(created.key)
