"""The read-only "viewer" group: view permission on every model of the stack's apps, nothing else."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission

VIEWER_GROUP = "viewer"


def stack_app_labels() -> list[str]:
    """Labels of the stack's own apps (apis.*), whose models the console shows."""
    return sorted(config.label for config in apps.get_app_configs() if config.name.startswith("apis."))


def viewer_group_sync(*, using: str = "default") -> Group:
    """Create the viewer group if needed and give it every stack model's view permission (idempotent)."""
    group, _ = Group.objects.using(using).get_or_create(name=VIEWER_GROUP)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label__in=stack_app_labels(), codename__startswith="view_"
    )
    group.permissions.add(*permissions)
    return group
