"""Where things live in a checkout of this repository: the one module that knows the layout.

The pipeline is a development tool of this repository (it is never installed from a wheel), so it
finds the checkout from its own location: ``pipeline/src/runflow_klein_pipeline/layout.py``.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
OPENAPI_DIR = REPO_ROOT / "openapi"
UPSTREAM_SPEC = OPENAPI_DIR / "openapi.public.json"
UPSTREAM_LOCK = OPENAPI_DIR / "openapi.lock.json"
CONTRACTS_DIR = OPENAPI_DIR / "contracts"
COMPOSED_SPEC = OPENAPI_DIR / "runflow-klein.openapi.json"
LEDGER = OPENAPI_DIR / "contradictions.yaml"
SOURCES = OPENAPI_DIR / "sources.yaml"
GENERATOR_CONFIG = OPENAPI_DIR / "generator-config.yaml"
GENERATED_DIR = REPO_ROOT / "generated"
TESTS_DIR = REPO_ROOT / "tests"
CASSETTES_DIR = TESTS_DIR / "contract" / "cassettes"
LIVE_SUITE = TESTS_DIR / "contract" / "live"
REPORTS_DIR = REPO_ROOT / "reports"
NODE_TOOLS_DIR = REPO_ROOT / "tools" / "node"
SURFACE_OVERLAY = OPENAPI_DIR / "client-surface.overlay.yaml"
DRIFT_ALLOWLIST = OPENAPI_DIR / "drift-allowlist.yaml"
MODEL_PAGES_FIXTURES = TESTS_DIR / "fixtures" / "model_pages"
