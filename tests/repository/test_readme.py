"""The README's promises that code can check: the quickstart shape, CI running the test command
verbatim, and the nox sessions it lists existing."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

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


def layout_table() -> list[str]:
    """The first cells of the path/owner/what table in "How the pieces fit"."""
    section = README.split("## How the pieces fit", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| (.+?) \| .+? \| .+? \|$", section, flags=re.MULTILINE)[1:]  # [0] is the header


def test_every_path_in_the_layout_table_exists() -> None:
    # A bare name after a listed path is its sibling (`openapi/openapi.public.json`, `openapi.lock.json`).
    resolved = []
    for cell in layout_table():
        names = re.findall(r"`([^`]+)`", cell)
        parent = Path(names[0]).parent
        resolved += [names[0], *(name if "/" in name else str(parent / name) for name in names[1:])]
    missing = [path for path in resolved if "<" not in path and not (REPO_ROOT / path).exists()]

    assert len(resolved) > 10, "the layout table was not found or not parsed"
    assert missing == []


def test_every_top_level_folder_has_an_owner_in_the_layout_table() -> None:
    """A newcomer should be able to tell from the README which folder owns what."""
    git = shutil.which("git")
    assert git is not None
    tracked = subprocess.run(
        [git, "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    folders = {path.split("/", 1)[0] for path in tracked if "/" in path}
    named = {
        path.strip("/").split("/", 1)[0] for cell in layout_table() for path in re.findall(r"`([^`]+)`", cell)
    }

    assert folders - named == set()
