"""Config of the example external provider."""

from pydantic import BaseModel, SecretStr


class MyExtConfig(BaseModel):
    prefix: str = ""
    api_key: SecretStr | None = None
