"""Config of the `inline::localfs` files provider."""

from pydantic import BaseModel, ConfigDict


class LocalfsFilesConfig(BaseModel):
    """No options: the bytes go to Django's default storage (MEDIA_ROOT, under the state dir, by default).

    Point STORAGES["default"] at another backend to keep them elsewhere.
    """

    model_config = ConfigDict(extra="forbid")
