"""pytest plugin of the live contract suite (loaded by the root conftest, so its options exist early).

The live suite is opt-in: it runs only with ``RUNFLOW_API_KEY`` set and ``-m live``; every test in
``tests/contract/live`` is skipped otherwise. Options:

  --live-base-url URL   the API (default: $RUNFLOW_BASE_URL or https://api.runflow.io)
  --live-budget N       at most N paid runs in this session (default 1); printed before anything runs
  --live-record DIR     record every API interaction as redacted cassettes in DIR (never overwritten)
  --live-report FILE    write a JSON summary: outcomes, paid runs, contradiction-ledger readings
  --live-spec FILE      the composed spec to check against (default: openapi/runflow-klein.openapi.json)
  --live-examples N     schemathesis examples per operation (default 10)
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from runflow_klein_pipeline.documents import load_json
from runflow_klein_pipeline.layout import COMPOSED_SPEC, LIVE_SUITE

from tests.contract.live.budget import Budget, PlannedRun, describe, planned_runs
from tests.contract.live.recording import recording

LIVE_DIR = LIVE_SUITE
DEFAULT_BASE_URL = "https://api.runflow.io"
KEY_ENV, BASE_URL_ENV = "RUNFLOW_API_KEY", "RUNFLOW_BASE_URL"

if TYPE_CHECKING:
    from runflow_klein_pipeline.recordings.runs import KnownRuns
    from runflow_klein_pipeline.recordings.spec import RecordingSpec


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("live", "live contract suite (needs RUNFLOW_API_KEY)")
    group.addoption(
        "--live-base-url", default=None, help="API base URL (default: $RUNFLOW_BASE_URL or production)"
    )
    group.addoption(
        "--live-budget", type=int, default=1, help="maximum paid runs in this session (default: 1)"
    )
    group.addoption(
        "--live-record", type=Path, default=None, help="record redacted cassettes into this directory"
    )
    group.addoption("--live-report", type=Path, default=None, help="write a JSON summary of the session here")
    group.addoption("--live-spec", type=Path, default=COMPOSED_SPEC, help="composed spec to check against")
    group.addoption("--live-examples", type=int, default=10, help="schemathesis examples per operation")


@dataclass
class LiveSession:
    """What every live test shares: where to go, the budget, the spec, and what was observed."""

    base_url: str
    api_key: str
    budget: Budget
    spec_path: Path
    record_dir: Path | None
    examples: int
    spec: dict[str, Any] = field(init=False)
    checker: RecordingSpec = field(init=False)
    # Runs dispatched in this session: a later GET of one is checked against its model's output schema.
    known_runs: KnownRuns = field(init=False)
    plans: list[PlannedRun] = field(init=False)
    ledger: list[dict[str, str]] = field(default_factory=list)
    outcomes: list[dict[str, str]] = field(default_factory=list)
    runs: dict[str, Any] = field(default_factory=dict)  # per-model results, shared between tests

    def __post_init__(self) -> None:
        # The checker (schemathesis, jsonschema) is imported only when a live session starts: this
        # plugin is registered for every pytest run, and the offline suite must not pay for it.
        from runflow_klein_pipeline.recordings.check import load_spec  # noqa: PLC0415
        from runflow_klein_pipeline.recordings.runs import KnownRuns  # noqa: PLC0415

        self.spec = load_json(self.spec_path)
        self.checker = load_spec(self.spec_path)
        self.known_runs = KnownRuns()
        self.plans = planned_runs(self.spec)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def client(self, *, authenticated: bool = True) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url,
            headers=self.auth if authenticated else {},
            timeout=httpx.Timeout(60, connect=10),
        )

    def violations(self, response: httpx.Response) -> list[str]:
        """Check one live exchange with the same checker as the recordings."""
        from runflow_klein_pipeline.recordings.check import Interaction, check_interaction  # noqa: PLC0415

        request = response.request
        interaction = Interaction(
            cassette="live",
            index=0,
            method=request.method,
            uri=str(request.url),
            request_headers={k: (v,) for k, v in request.headers.items() if k.lower() != "authorization"},
            request_body=request.content or None,
            status=response.status_code,
            response_headers={k: tuple(response.headers.get_list(k)) for k in response.headers},
            response_body=response.content,
        )
        # Live answers carry signed URLs by design; the recorder redacts them before anything is written.
        violations = check_interaction(self.checker, interaction, self.known_runs)
        return [v.format() for v in violations if v.check != "secret"]

    def observe(self, entry_id: str, reading: str) -> None:
        self.ledger.append({"id": entry_id, "reading": reading})


_SESSION_KEY = pytest.StashKey[LiveSession]()


def _session(config: pytest.Config) -> LiveSession | None:
    api_key = os.environ.get(KEY_ENV, "")
    if not api_key:
        return None
    if _SESSION_KEY not in config.stash:
        config.stash[_SESSION_KEY] = LiveSession(
            base_url=(
                config.getoption("live_base_url") or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
            ).rstrip("/"),
            api_key=api_key,
            budget=Budget(limit=config.getoption("live_budget")),
            spec_path=config.getoption("live_spec"),
            record_dir=config.getoption("live_record"),
            examples=config.getoption("live_examples"),
        )
    return config.stash[_SESSION_KEY]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Say what may be spent before anything is (also under -q, which hides the report header)."""
    live = _session(session.config)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if live is not None and reporter is not None:
        reporter.write_line(f"{describe(live.budget, live.plans)}; API {live.base_url}")


# Real runs first (they get the budget), then the ledger (some checks read those runs), then fuzzing.
_ORDER = ("test_live_runs", "test_live_ledger", "test_live_contract")


def _order(item: pytest.Item) -> int:
    module = Path(str(item.fspath)).stem
    return _ORDER.index(module) if module in _ORDER else len(_ORDER)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason=f"{KEY_ENV} is not set: the live suite is opt-in")
    live_items = [item for item in items if LIVE_DIR in Path(str(item.fspath)).parents]
    if live_items:
        first = items.index(live_items[0])
        rest = [item for item in items if item not in live_items]
        items[:] = rest[:first] + sorted(live_items, key=_order) + rest[first:]
    for item in items:
        if LIVE_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.live)
            if not os.environ.get(KEY_ENV):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def live(pytestconfig: pytest.Config) -> LiveSession:
    session = _session(pytestconfig)
    if session is None:
        pytest.skip(f"{KEY_ENV} is not set")
    return session


@pytest.fixture
def recorded(live: LiveSession, request: pytest.FixtureRequest) -> Iterator[None]:
    """Record this test's API traffic (when --live-record is given) under the test's name."""
    name = request.node.name.replace("/", "_").replace("[", "-").rstrip("]")
    with recording(live.record_dir, name, live.api_key, base_url=live.base_url):
        yield


class _LiveReporter:
    """Collects live outcomes into the session and writes --live-report at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        live = _session(self.config)
        if live is None or LIVE_DIR not in Path(report.fspath).resolve().parents:
            return
        if report.when == "call" or report.outcome != "passed":
            text = report.longreprtext.strip()
            message = text.splitlines()[-1] if text else ""
            live.outcomes.append(
                {"nodeid": report.nodeid, "outcome": report.outcome, "message": message[:500]}
            )

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        live = _session(self.config)
        path: Path | None = self.config.getoption("live_report")
        if live is None or path is None:
            return
        summary = {
            "base_url": live.base_url,
            "budget": live.budget.limit,
            "spent": live.budget.spent,
            "tests": live.outcomes,
            "ledger": live.ledger,
            "recorded": sorted(str(p) for p in live.record_dir.glob("*.yaml")) if live.record_dir else [],
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(summary, indent=2, ensure_ascii=False).replace(live.api_key, "REDACTED")
        path.write_text(text + "\n")


_CONFIGURED: dict[str, Any] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_LiveReporter(config), "runflow-live-reporter")
    _CONFIGURED.update(spec=config.getoption("live_spec"), examples=config.getoption("live_examples"))


def configured_spec() -> tuple[dict[str, Any], int]:
    """The spec and examples per operation chosen on the command line, for schemas built at import.

    schemathesis builds its tests at collection (its fixture-based lazy schemas do not work with
    pytest 9), so test modules read the options recorded here when pytest was configured.
    """
    return load_json(_CONFIGURED.get("spec", COMPOSED_SPEC)), int(_CONFIGURED.get("examples", 10))
