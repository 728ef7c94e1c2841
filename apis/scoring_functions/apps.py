"""The scoring functions API: the scoring-function routing table, its routes and admin."""

from apis.common.apps import StackApiConfig


class ScoringFunctionsConfig(StackApiConfig):
    default = True
    name = "apis.scoring_functions"
    label = "scoring_functions"
    verbose_name = "Scoring functions"
    api = "scoring_functions"
    api_level = "v1"
    provider_apis = ("scoring",)
    impl_class = "apis.scoring_functions.routing.ScoringFunctionsRoutingTable"
