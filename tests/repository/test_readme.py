"""The README's promises that code can check: the quickstart shape, CI running the test command
verbatim, and the nox sessions it lists existing."""

from __future__ import annotations

import importlib.util
import re

import nox
from runflow_klein_pipeline.layout import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text()
CI_RUN = (REPO_ROOT / ".ci" / "run").read_text()


def quickstart_blocks() -> list[str]:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL)


def noxfile_sessions() -> set[str]:
    spec = importlib.util.spec_from_file_location("project_noxfile", REPO_ROOT / "noxfile.py")
    assert spec is not None
    assert spec.loader is not None
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    return set(nox.registry.get())


def test_quickstart_has_exactly_two_bash_blocks() -> None:
    assert len(quickstart_blocks()) == 2
    assert "## Quickstart" in README


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    test_block = quickstart_blocks()[1]
    lines = [line for line in test_block.splitlines() if line.strip()]

    ci_lines = CI_RUN.splitlines()
    start = ci_lines.index(lines[0])
    assert ci_lines[start : start + len(lines)] == lines
    assert "nox -s tests" in test_block


def test_the_first_block_regenerates_and_checks_the_recordings() -> None:
    assert "nox -s regenerate recordings" in quickstart_blocks()[0]


def test_every_session_the_readme_lists_exists_and_vice_versa() -> None:
    table = README.split("## nox sessions", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z]+)` \|", table, flags=re.MULTILINE))

    assert listed == noxfile_sessions()
