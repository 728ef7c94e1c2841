"""`manage.py apply_stack_config`: apply the distribution config at STACK_CONFIG now."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apis.providers.services import stack_config_apply
from providers.distribution import DistributionConfigError, load_distribution


class Command(BaseCommand):
    help = "Apply the distribution config (registrations and resources); rows edited in the admin are kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--config", type=Path, help="Path of the config (default: STACK_CONFIG).")
        parser.add_argument("--force", action="store_true", help="Apply even if this config was applied last.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["config"] or settings.STACK_CONFIG
        try:
            config = load_distribution(path)
        except DistributionConfigError as exc:
            raise CommandError(str(exc)) from exc
        result = stack_config_apply(config=config, force=options["force"])
        if not result.applied:
            self.stdout.write(f"{path}: already applied, nothing to do.")
            return
        for label, ids in (("created", result.created), ("updated", result.updated),
                           ("disabled", result.disabled), ("kept (edited in the admin)", result.kept)):
            if ids:
                self.stdout.write(f"Providers {label}: {', '.join(ids)}")
        self.stdout.write(f"Resources changed: {result.resources_changed}")
        for error in result.errors:
            self.stderr.write(f"Error: {error}")
        self.stdout.write(self.style.SUCCESS(f"Applied {path}."))
