"""`manage.py refresh_models`: register the models the inference providers list, now."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apis.common.errors import StackError
from apis.models.services import models_refresh_from_provider, models_refresh_from_providers


class Command(BaseCommand):
    help = "Register the models each running inference provider lists as '<provider_id>/<model>'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provider", help="Only this provider (default: every running inference provider).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["provider"]:
            try:
                results, errors = [models_refresh_from_provider(provider_id=options["provider"])], []
            except StackError as exc:
                raise CommandError(f"{options['provider']}: {exc.message}") from exc
        else:
            results, errors = models_refresh_from_providers()
        for result in results:
            self.stdout.write(result.summary())
        for error in errors:
            self.stderr.write(f"Refresh failed for {error}")
        if errors:
            raise CommandError(f"{len(errors)} provider(s) could not be refreshed.")
