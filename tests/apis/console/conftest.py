"""Fixtures of the console tests: the batch test distribution (the test upstream as provider 'up', local files,
the reference batch engine), and clients for a superuser, a member of the viewer group and a non-staff user."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from apis.console.permissions import VIEWER_GROUP
from tests.apis.batches.support import distribution
from tests.support.upstream import Upstream


@pytest.fixture(autouse=True)
def console_stack(settings, tmp_path, fresh_stack, upstream: Upstream) -> None:
    from providers import resolver

    config = tmp_path / "console.yaml"
    config.write_text(distribution(upstream.base_url))
    settings.STACK_CONFIG = config
    settings.MEDIA_ROOT = tmp_path / "media"
    resolver.reset()


@pytest.fixture
def staff(db: None) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw"))
    return client


@pytest.fixture
def viewer(db: None) -> Client:
    user = User.objects.create_user("watcher", "watcher@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=VIEWER_GROUP))
    client = Client()
    client.force_login(user)
    return client
