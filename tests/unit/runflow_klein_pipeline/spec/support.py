"""Helpers shared by the pipeline tests: running a script's ``main`` as its ``__main__`` would."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from runflow_klein_pipeline.entrypoint import run_main

Main = Callable[[Sequence[str] | None], int]


@dataclass(frozen=True)
class ScriptResult:
    code: int
    stdout: str
    stderr: str


def run_script(main: Main, argv: Sequence[str], capsys: pytest.CaptureFixture[str]) -> ScriptResult:
    """Run ``main`` through ``run_main`` (exit code and ``error:`` line included), in-process.

    In-process keeps the suite fast; ``test_fetch_spec`` also runs one real subprocess to prove
    that the ``__main__`` path prints no traceback.
    """
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        run_main(main, list(argv))
    out, err = capsys.readouterr()
    code = exit_info.value.code
    assert isinstance(code, int)
    return ScriptResult(code, out, err)


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` by relative path, to prove a tree was left untouched."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }
