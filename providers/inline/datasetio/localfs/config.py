"""Config of the `inline::localfs` datasetio provider."""

from pydantic import BaseModel, ConfigDict


class LocalfsDatasetIOConfig(BaseModel):
    """No options: the directories that `file://` URIs may name are the STACK_DATASETS_DIRS setting, which
    whoever runs the server controls (not whoever edits provider registrations)."""

    model_config = ConfigDict(extra="forbid")
