"""Provider registrations and the registry's version, which tells every process when to rebuild."""

import sqlite3
import threading

from django.db import connections, models
from django.db.models import F


class ProviderRegistration(models.Model):
    class Source(models.TextChoices):
        CONFIG = "config", "distribution config"
        ADMIN = "admin", "admin"

    api = models.CharField(max_length=64, db_index=True)
    provider_id = models.CharField(max_length=128, unique=True)
    provider_type = models.CharField(max_length=128)
    module = models.CharField(
        max_length=255, blank=True, default="", help_text="Installed module of an external provider."
    )
    config = models.JSONField(default=dict, blank=True, help_text="Secret fields are stored encrypted.")
    enabled = models.BooleanField(default=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.ADMIN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["api", "provider_id"]

    def __str__(self) -> str:
        return f"{self.provider_id} ({self.provider_type})"


class RegistryState(models.Model):
    """One row: bumped on every change to the registrations; records the last config applied."""

    version = models.BigIntegerField(default=0)
    config_digest = models.CharField(max_length=64, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    SINGLETON_ID = 1

    @classmethod
    def bump(cls) -> None:
        updated = cls.objects.filter(pk=cls.SINGLETON_ID).update(version=F("version") + 1)
        if not updated:
            cls.objects.get_or_create(pk=cls.SINGLETON_ID, defaults={"version": 1})

    @classmethod
    def current_version(cls) -> int:
        return cls.objects.filter(pk=cls.SINGLETON_ID).values_list("version", flat=True).first() or 0

    @classmethod
    async def acurrent_version(cls) -> int:
        """The version, read on every API request: from SQLite directly, elsewhere through the ORM."""
        # From the settings, not connections["default"]: in the event loop's thread that would build
        # a connection object for every request.
        database = connections.settings["default"]
        name = str(database["NAME"])
        if database["ENGINE"] == "django.db.backends.sqlite3" and name != ":memory:" and "mode=memory" not in name:
            return _sqlite_version(name, cls._meta.db_table, cls.SINGLETON_ID)
        return await cls.objects.filter(pk=cls.SINGLETON_ID).values_list("version", flat=True).afirst() or 0


# An indexed read of one row in a local file takes microseconds, less than handing it to a thread
# as the ORM must in async code: one read-only connection per thread of the event loops.
_sqlite = threading.local()


def _sqlite_version(path: str, table: str, pk: int) -> int:
    connection = getattr(_sqlite, "connection", None)
    if connection is None or _sqlite.path != path:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=True, timeout=5)
        _sqlite.connection, _sqlite.path = connection, path
    row = connection.execute(f'SELECT "version" FROM "{table}" WHERE "id" = ?', (pk,)).fetchone()
    return row[0] if row else 0
