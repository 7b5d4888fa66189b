"""The console script's entry: one line and a documented exit code for a Ctrl-C at start-up and for bugs."""

from __future__ import annotations

import builtins
import subprocess
import sys
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

import pytest

from runflow_klein import cli, launcher

KEY = "rk_live_secret-key-123"


def test_ctrl_c_while_the_cli_is_imported_ends_with_one_line_and_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_import = builtins.__import__

    def interrupted_import(
        name: str,
        globals: Mapping[str, object] | None = None,
        locals: Mapping[str, object] | None = None,
        fromlist: Sequence[str] = (),
        level: int = 0,
    ) -> ModuleType:
        if name == "cli" and level == 1:
            raise KeyboardInterrupt
        return real_import(name, globals, locals, fromlist, level)

    monkeypatch.setattr(builtins, "__import__", interrupted_import)
    code = launcher.main(["--version"])
    captured = capsys.readouterr()
    assert (code, captured.out, captured.err) == (130, "", "interrupted\n")


def broken(*args: Any, **kwargs: Any) -> Any:
    raise TypeError(f"unsupported operand for Authorization: Bearer {KEY}")


@pytest.fixture
def a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug inside a command: something the CLI does not expect raises."""
    monkeypatch.setenv("RUNFLOW_API_KEY", KEY)
    monkeypatch.setattr(cli, "_run_and_download", broken)


@pytest.mark.usefixtures("a_bug")
def test_a_bug_ends_with_one_redacted_line_and_its_own_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    code = launcher.main(["wait", "0192b7a4-5f3e-7c1d-9a2b-3c4d5e6f7a8b"])
    captured = capsys.readouterr()
    assert code == launcher.EXIT_INTERNAL_ERROR == 5
    assert captured.err == (
        "internal error: TypeError: unsupported operand for Authorization: Bearer *** "
        "(please report it; run with RUNFLOW_KLEIN_DEBUG=1 for the traceback)\n"
    )


@pytest.mark.usefixtures("a_bug")
def test_with_debug_set_the_traceback_comes_first_still_redacted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RUNFLOW_KLEIN_DEBUG", "1")
    code = launcher.main(["wait", "0192b7a4-5f3e-7c1d-9a2b-3c4d5e6f7a8b"])
    err = capsys.readouterr().err
    assert code == 5
    assert err.startswith("Traceback (most recent call last):")
    assert "in broken" in err
    assert err.endswith("run with RUNFLOW_KLEIN_DEBUG=1 for the traceback)\n")
    assert KEY not in err


def test_the_exit_codes_in_the_help_include_the_internal_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert launcher.main(["run", "--help"]) == 0
    assert "5 internal error" in " ".join(capsys.readouterr().out.split())


def test_the_console_script_imports_nothing_heavy_before_its_handling_is_in_place() -> None:
    """A Ctrl-C while the package loads would otherwise print a traceback: the package imports its
    public names on first use, so only the launcher's few lines run before its handling."""
    heavy = ("httpx", "rich", "runflow_klein_client", "runflow_klein.cli")
    probe = f"import sys, runflow_klein.launcher; print(sorted(m for m in {heavy} if m in sys.modules))"

    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)

    assert completed.stdout.strip() == "[]"


@pytest.mark.parametrize(("key", "shown"), [("e", "unexpected e"), (KEY, "unexpected ***")])
def test_only_a_key_that_looks_like_one_is_redacted(
    key: str, shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A one-letter placeholder key must not turn "unexpected" into "***xp***cted".
    monkeypatch.setenv("RUNFLOW_API_KEY", key)
    assert launcher.redact(f"unexpected {key}") == shown
