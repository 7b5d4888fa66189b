"""Check the built distributions the way another team will use them (``nox -s build``).

A fresh venv outside the repository gets the wheels from ``dist/`` (their registry dependencies
from the index) and mypy, and another one the sdists (built there, as pip would for a team without
wheels); a consumer script that uses both the generated client and the runtime is
type-checked with ``mypy --strict`` and run against the emulator. Nothing from the checkout is on
the venv's path, so a missing file in a wheel or a wrong dependency range fails here.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from runflow_klein_emulator import EmulatorConfig, running

from runflow_klein_pipeline.documents import SpecError
from runflow_klein_pipeline.layout import REPO_ROOT

CONSUMER = Path(__file__).with_name("consumer.py")
API_KEY = "rf_live_dist_check"
MYPY = "mypy==2.4.1"


def _run(*cmd: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        raise SpecError(f"{' '.join(cmd[:3])} … failed:\n{(result.stdout + result.stderr).strip()}")


def check(dist: Path, uv: str) -> None:
    """Install the wheels, then (separately) the sdists, each in a fresh venv, and run the consumer."""
    for kind, pattern in (("wheels", "*.whl"), ("sdists", "*.tar.gz")):
        found = sorted(str(path) for path in dist.glob(pattern))
        if len(found) < 2:
            raise SpecError(f"expected the client's and the runtime's {kind} in {dist}, found {found}")
        _check_installed(found, uv)
        print(f"{len(found)} {kind} installed in a fresh venv: consumer passes mypy --strict and runs")


def _check_installed(distributions: list[str], uv: str) -> None:
    with tempfile.TemporaryDirectory(prefix="dist-check-") as tmp:
        venv = Path(tmp) / "venv"
        _run(uv, "venv", "--quiet", "--python", sys.executable, str(venv))
        python = str(venv / "bin" / "python")
        _run(uv, "pip", "install", "--quiet", "--python", python, *distributions, MYPY)
        consumer = Path(tmp) / CONSUMER.name
        consumer.write_text(CONSUMER.read_text())
        _run(python, "-m", "mypy", "--strict", "--no-incremental", str(consumer))
        with running(EmulatorConfig(run_seconds=0.1, api_key=API_KEY)) as base_url:
            env = {**os.environ, "RUNFLOW_API_KEY": API_KEY, "RUNFLOW_BASE_URL": base_url}
            _run(python, str(consumer), env={k: v for k, v in env.items() if k != "PYTHONPATH"})


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="check_dist.py", description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=REPO_ROOT / "dist")
    parser.add_argument("--uv", default="uv", help="the uv executable (default: %(default)s)")
    args = parser.parse_args(argv)
    check(args.dist, args.uv)
    return 0
