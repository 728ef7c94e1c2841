"""The Files API: uploaded files, bytes in Django's storage and metadata in the ORM."""

from apis.common.apps import StackApiConfig


class FilesConfig(StackApiConfig):
    default = True
    name = "apis.files"
    label = "files"
    verbose_name = "Files"
    api = "files"
    api_level = "v1"
    openai_compat = True
    provider_apis = ("files",)
    impl_class = "apis.files.routing.FilesRouter"
