"""openapi/openapi.lock.json must describe the committed openapi/openapi.public.json.

A hand edit of the vendored spec without re-locking (or a lock edited by hand) fails here, so
every spec change goes through scripts/fetch_spec.py, which validates it and records its origin.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from runflow_klein_pipeline.documents import sha256_bytes
from runflow_klein_pipeline.layout import UPSTREAM_LOCK, UPSTREAM_SPEC

FIX = "run `nox -s fetch` (scripts/fetch_spec.py) instead of editing openapi/ by hand"


def _lock() -> dict[str, object]:
    lock = json.loads(UPSTREAM_LOCK.read_bytes())
    assert isinstance(lock, dict)
    return lock


def test_lock_matches_the_vendored_spec() -> None:
    lock, data = _lock(), UPSTREAM_SPEC.read_bytes()

    assert lock["sha256"] == sha256_bytes(data), (
        f"{UPSTREAM_SPEC.name} has sha256 {sha256_bytes(data)} but {UPSTREAM_LOCK.name} records "
        f"{lock['sha256']}: the spec was changed without re-locking; {FIX}"
    )
    assert lock["bytes"] == len(data), (
        f"{UPSTREAM_LOCK.name} records {lock['bytes']} bytes, the spec has {len(data)}"
    )


def test_lock_records_a_clean_origin() -> None:
    lock = _lock()
    url = urlsplit(str(lock["url"]))

    assert lock["origin"] in {"fetched", "reconstruction"}
    assert url.scheme in {"https", "http", "file"}
    assert url.username is None, "the lock must not carry credentials"
    assert url.password is None, "the lock must not carry credentials"
    assert not url.query, "the lock must not carry a query string (signed-URL tokens live there)"
    if lock["origin"] == "fetched":
        assert isinstance(lock["fetched_at"], str)
        assert str(lock["fetched_at"]).endswith("Z")
    else:
        assert lock["fetched_at"] is None
        assert "x-reconstruction" in json.loads(UPSTREAM_SPEC.read_bytes())["info"]
