"""How every pipeline entry point ends: one ``error:`` line and an exit code, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from runflow_klein_pipeline.documents import SpecError


def run_main(main: Callable[[Sequence[str] | None], int], argv: Sequence[str] | None = None) -> None:
    """Run a script's ``main`` and turn SpecError into one line on stderr and exit code 1."""
    try:
        code = main(argv)
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)
