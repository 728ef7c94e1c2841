"""The batch engine keeps within what the batch's provider says it can take at once."""

import pytest

from apis.batches.conf import batch_settings
from apis.batches.services import declared_concurrency
from apis.providers.services import registration_save
from providers.inline.batches.reference.execution import Lane

pytestmark = pytest.mark.django_db


def test_a_provider_bound_narrows_the_engine(upstream, settings) -> None:
    registration_save(
        api="inference",
        provider_id="narrow",
        provider_type="remote::openai-compat",
        config={"base_url": upstream.base_url, "max_concurrent_requests": 2},
    )
    settings.STACK_BATCH_CHUNK_CONCURRENCY = 8
    settings.STACK_BATCH_CONCURRENCY = 32
    settings.STACK_BATCH_PROVIDER_LIMITS = {"up": 5}
    conf = batch_settings()
    assert declared_concurrency("narrow") == 2
    assert declared_concurrency("up") is None  # its config sets no bound
    assert conf.provider_limit("narrow", declared_concurrency("narrow")) == 2
    assert conf.provider_limit("up", declared_concurrency("up")) == 5
    lane = Lane(inference=None, read_range=None, conf=conf, provider_limit=2)  # type: ignore[arg-type]
    assert lane.slots._value == 2
    wide = Lane(inference=None, read_range=None, conf=conf, provider_limit=None)  # type: ignore[arg-type]
    assert wide.slots._value == 8
