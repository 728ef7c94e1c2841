"""Provider config secrets: the fields a config class types as `SecretStr`, encrypted at rest."""

import base64
import hashlib
import types
import typing
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from pydantic import BaseModel, SecretStr

MASK = "********"
ENCRYPTED_PREFIX = "enc:v1:"


def _is_secret(annotation: Any) -> bool:
    if annotation is SecretStr:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_secret(arg) for arg in typing.get_args(annotation))
    return False


def secret_fields(config_class: type[BaseModel]) -> set[str]:
    return {name for name, info in config_class.model_fields.items() if _is_secret(info.annotation)}


@cache
def _fernet(key_material: str) -> Fernet:
    digest = hashlib.sha256(("stack-provider-secrets:" + key_material).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def fernet() -> Fernet:
    return _fernet(settings.STACK_ENCRYPTION_KEY or settings.SECRET_KEY)


def is_encrypted(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(ENCRYPTED_PREFIX)


def encrypt_value(value: str) -> str:
    return ENCRYPTED_PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt_value(value: str) -> str:
    try:
        return fernet().decrypt(value.removeprefix(ENCRYPTED_PREFIX).encode()).decode()
    except InvalidToken as exc:
        raise ValueError("A stored secret cannot be decrypted with the current encryption key.") from exc


def encrypt_config(config_class: type[BaseModel], config: dict[str, Any]) -> dict[str, Any]:
    """The config as stored: secret fields encrypted (values already encrypted are kept)."""
    stored = dict(config)
    for name in secret_fields(config_class):
        value = stored.get(name)
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if isinstance(value, str) and value and not is_encrypted(value):
            stored[name] = encrypt_value(value)
    return stored


def decrypt_config(config_class: type[BaseModel], stored: dict[str, Any]) -> dict[str, Any]:
    config = dict(stored)
    for name in secret_fields(config_class):
        if is_encrypted(config.get(name)):
            config[name] = decrypt_value(config[name])
    return config


def mask_config(config_class: type[BaseModel] | None, stored: dict[str, Any]) -> dict[str, Any]:
    """The config for display: every secret that is set shown as a mask."""
    names = secret_fields(config_class) if config_class is not None else set()
    return {key: (MASK if (key in names and value) or is_encrypted(value) else value) for key, value in stored.items()}
