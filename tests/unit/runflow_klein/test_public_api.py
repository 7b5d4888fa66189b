"""The public surface: small, exported from the package, and the error tree documented."""

from __future__ import annotations

import inspect
import re

import runflow_klein
from runflow_klein import errors


def test_everything_in_all_is_importable() -> None:
    for name in runflow_klein.__all__:
        assert hasattr(runflow_klein, name), name


def test_every_error_is_exported_and_drawn_in_the_tree() -> None:
    tree = errors.__doc__ or ""
    for name in errors.__all__:
        error = getattr(errors, name)
        assert issubclass(error, runflow_klein.RunflowError)
        assert name in runflow_klein.__all__
        assert re.search(rf"\b{name}\b", tree), f"{name} missing from the tree in errors.__doc__"


def test_sync_and_async_clients_have_the_same_methods_and_options() -> None:
    public = {"submit", "wait", "run", "get_run", "download"}
    for name in public:
        sync_signature = inspect.signature(getattr(runflow_klein.KleinClient, name))
        async_signature = inspect.signature(getattr(runflow_klein.AsyncKleinClient, name))
        assert list(sync_signature.parameters) == list(async_signature.parameters), name
        assert inspect.iscoroutinefunction(getattr(runflow_klein.AsyncKleinClient, name))
    sync_init = inspect.signature(runflow_klein.KleinClient.__init__).parameters
    async_init = inspect.signature(runflow_klein.AsyncKleinClient.__init__).parameters
    assert list(sync_init) == list(async_init)
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for n, p in sync_init.items() if n != "self")
