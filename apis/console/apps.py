"""App configs of the console: the admin site it installs, and the viewer group it keeps up to date."""

from typing import Any

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate


class ConsoleAdminConfig(AdminConfig):
    """django.contrib.admin with the console's site (dashboard, branding) as `admin.site`."""

    default_site = "apis.console.sites.ConsoleAdminSite"


class ConsoleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apis.console"
    label = "console"
    verbose_name = "Operations console"

    def ready(self) -> None:
        # Every app's migrate run: its models' view permissions exist by then (auth's own post_migrate
        # receiver was connected first), so the viewer group follows apps added later without a migration.
        post_migrate.connect(_sync_viewer_group, dispatch_uid="console.viewer_group")


def _sync_viewer_group(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from apis.console.permissions import viewer_group_sync

    viewer_group_sync(using=using)
