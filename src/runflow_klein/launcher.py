"""The ``runflow-klein`` console script: the lines that run before the CLI's own modules are imported.

Why a module of its own: importing the CLI (argparse, rich, the clients) takes a noticeable moment, and a
Ctrl-C then, or a bug anywhere in a command, must still end with one line on stderr and a documented exit
code, never a traceback. So this module imports next to nothing and :func:`main` imports the CLI inside
that handling. A bug's line names the exception and how to see its traceback, with the API key (which
an exception message could carry, e.g. inside a request's repr) replaced by ``***``.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence

from .constants import API_KEY_ENV

__all__ = ["DEBUG_ENV", "EXIT_INTERNAL_ERROR", "EXIT_INTERRUPTED", "main"]

EXIT_INTERNAL_ERROR = 5
EXIT_INTERRUPTED = 130
# Set to 1 to see an internal error's traceback (the key still redacted).
DEBUG_ENV = "RUNFLOW_KLEIN_DEBUG"


# A key shorter than this is no real key (a placeholder such as "x" or "e"), and replacing it would
# mangle the message ("e***pected") without hiding anything.
_MIN_REDACTED_KEY = 8


def redact(text: str) -> str:
    """``text`` with the API key from the environment (if it looks like one) replaced by ``***``."""
    key = os.environ.get(API_KEY_ENV, "").strip()
    return text.replace(key, "***") if len(key) >= _MIN_REDACTED_KEY else text


def internal_error_line(error: BaseException) -> str:
    """The one line a bug ends with."""
    return (
        f"internal error: {type(error).__name__}: {redact(str(error))} "
        f"(please report it; run with {DEBUG_ENV}=1 for the traceback)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script: the CLI's exit code; 130 on Ctrl-C at any moment after this
    module was imported, :data:`EXIT_INTERNAL_ERROR` on an unexpected exception (a bug)."""
    try:
        from .cli import run_cli  # noqa: PLC0415 - imported inside the handling, on purpose

        return run_cli(argv)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # the last line of defence: a bug, reported in one line
        if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
            print(redact("".join(traceback.format_exception(exc))), end="", file=sys.stderr)
        print(internal_error_line(exc), file=sys.stderr)
        return EXIT_INTERNAL_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
