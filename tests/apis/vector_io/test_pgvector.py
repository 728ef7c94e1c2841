"""`remote::pgvector` through the API. What runs depends on the test database:

- SQLite, or PostgreSQL without the pgvector extension installed: the health check says what is
  missing, and registering a vector DB is refused with that reason (nothing is registered);
- PostgreSQL with pgvector: vector DBs are created, filled, queried and dropped for real.
"""

import pytest
from django.db import connection
from django.test import Client

from apis.vector_dbs.models import RegisteredVectorDB
from tests.apis.vector_dbs.support import register_vector_io

pytestmark = pytest.mark.django_db


def pgvector_installed() -> bool:
    """Whether the database server has the extension (installed, if not yet created)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        return cursor.fetchone() is not None


@pytest.fixture
def pgvector(embedding_model: str) -> str:
    return register_vector_io("pg", "remote::pgvector")


def post(client: Client, path: str, **body: object):
    return client.post(path, body, content_type="application/json")


def test_health_and_registration_say_what_is_missing(client: Client, pgvector: str) -> None:
    if pgvector_installed():
        pytest.skip("pgvector is installed on this database server")
    if connection.vendor == "postgresql":
        expected = (
            "The pgvector extension is not installed on the PostgreSQL server of database 'default' "
            "(e.g. the postgresql-<version>-pgvector package)."
        )
    else:
        expected = f"Database 'default' is {connection.vendor}; pgvector needs PostgreSQL."
    health = client.get("/v1/providers/pg").json()["health"]
    assert health == {"status": "Error", "message": expected}
    refused = post(client, "/v1/vector-dbs", vector_db_id="kb", embedding_model="embed", provider_id="pg")
    assert refused.status_code == 503
    assert refused.json()["error"]["message"] == expected
    assert not RegisteredVectorDB.objects.exists()


def test_vector_dbs_live_in_pgvector_tables(client: Client, pgvector: str) -> None:
    if not pgvector_installed():
        pytest.skip("the pgvector extension is not installed on this database server")
    assert client.get("/v1/providers/pg").json()["health"]["status"] == "OK"
    created = post(client, "/v1/vector-dbs", vector_db_id="kb", embedding_model="embed", provider_id="pg")
    assert created.status_code == 200, created.content
    words = ["alpha", "beta", "gamma"]
    inserted = post(client, "/v1/vector-io/insert", vector_db_id="kb",
                    chunks=[{"content": w, "metadata": {"n": i}} for i, w in enumerate(words)])
    assert inserted.status_code == 200, inserted.content
    found = post(client, "/v1/vector-io/query", vector_db_id="kb", query="beta", params={"max_chunks": 1}).json()
    assert [(c["content"], c["metadata"]) for c in found["chunks"]] == [("beta", {"n": 1})]
    assert found["scores"][0] == pytest.approx(1.0, abs=1e-5)
    assert client.delete("/v1/vector-dbs/kb").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'pgvector_kb_%%'")
        assert cursor.fetchone()[0] == 0
