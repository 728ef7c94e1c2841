"""The scoring API: scoring rows (given inline or a dataset's) with registered scoring functions."""

from apis.common.apps import StackApiConfig


class ScoringConfig(StackApiConfig):
    default = True
    name = "apis.scoring"
    label = "scoring"
    verbose_name = "Scoring"
    api = "scoring"
    api_level = "v1"
    provider_apis = ("scoring",)
    impl_class = "apis.scoring.routing.ScoringRouter"
