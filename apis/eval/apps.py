"""The eval API (/v1alpha): running a benchmark against a model, synchronously or as a Celery job."""

from apis.common.apps import StackApiConfig


class EvalConfig(StackApiConfig):
    default = True
    name = "apis.eval"
    label = "eval"
    verbose_name = "Eval"
    api = "eval"
    api_level = "v1alpha"
    provider_apis = ("eval",)
    impl_class = "apis.eval.routing.EvalRouter"
