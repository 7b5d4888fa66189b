"""What the nightly job does with what it fetched: nothing, a pull request, or fail.

The nightly drift run (``nightly.py``) leaves ``drift.json`` and the fetched document with its lock
in the report directory. From those alone (offline, so it can be tested for every case):

- the pipeline did not complete (``status: error``, unreadable reports) → no pull request, fail;
- the fetched document is the committed one → nothing;
- it changed and nothing counted is breaking → a pull request;
- it changed with breaking drift → a pull request labelled ``breaking``.

One branch per upstream document (its sha256), so the next night's run of the same document
updates the pull request instead of opening another. The body is the drift report.
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from runflow_klein_pipeline.documents import SpecError, load_json, sha256_bytes
from runflow_klein_pipeline.layout import REPORTS_DIR, UPSTREAM_LOCK, UPSTREAM_SPEC

BRANCH_PREFIX = "regenerate/upstream-"
BREAKING_LABEL = "breaking"
LABELS = ("api-drift",)
FETCHED_DIR = "upstream"  # nightly.py's scratch directory inside the reports


class Action(StrEnum):
    NOTHING = "nothing"
    PULL_REQUEST = "pull-request"
    FAIL = "fail"


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str
    branch: str = ""
    title: str = ""
    labels: tuple[str, ...] = ()
    upstream_sha256: str = ""

    def github_outputs(self) -> str:
        """``key=value`` lines for ``$GITHUB_OUTPUT``."""
        values = {
            "action": self.action.value,
            "branch": self.branch,
            "title": self.title,
            "labels": ",".join(self.labels),
            "sha256": self.upstream_sha256,
        }
        return "".join(f"{key}={value}\n" for key, value in values.items())


def decide(reports: Path) -> Decision:
    """The decision for one nightly run's report directory (see the module docstring)."""
    try:
        drift = load_json(reports / "drift.json")
    except SpecError as exc:
        return Decision(Action.FAIL, f"no readable drift report: {exc}")
    status = drift.get("status") if isinstance(drift, dict) else None
    if status not in ("clean", "breaking"):
        return Decision(Action.FAIL, f"the nightly pipeline did not complete (status {status!r})")
    if drift.get("upstream_changed") is not True:
        return Decision(Action.NOTHING, "the published document is the committed one")
    document = reports / FETCHED_DIR / UPSTREAM_SPEC.name
    if not document.is_file() or not (reports / FETCHED_DIR / UPSTREAM_LOCK.name).is_file():
        return Decision(Action.FAIL, f"the upstream changed but {document} or its lock is missing")
    sha256 = sha256_bytes(document.read_bytes())
    breaking = status == "breaking"
    kind = "breaking change" if breaking else "change"
    return Decision(
        Action.PULL_REQUEST,
        f"the published document changed ({'breaking' if breaking else 'nothing breaking'})",
        branch=f"{BRANCH_PREFIX}{sha256[:12]}",
        title=f"Regenerate the client: upstream {kind} ({sha256[:12]})",
        labels=(*LABELS, BREAKING_LABEL) if breaking else LABELS,
        upstream_sha256=sha256,
    )


def adopt(reports: Path, openapi_dir: Path) -> None:
    """Make the fetched document and its lock the committed snapshot (regeneration follows)."""
    for name in (UPSTREAM_SPEC.name, UPSTREAM_LOCK.name):
        shutil.copyfile(reports / FETCHED_DIR / name, openapi_dir / name)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="release_pr.py",
        description="Decide what the nightly job does with its reports: nothing, a pull request, or fail "
        "(exit 1). Prints the decision; --github-output appends it for the workflow.",
    )
    parser.add_argument(
        "--reports", type=Path, default=REPORTS_DIR / "nightly", help="nightly reports (default: %(default)s)"
    )
    parser.add_argument("--github-output", type=Path, help="file to append key=value outputs to")
    parser.add_argument(
        "--adopt",
        action="store_true",
        help="on a pull request, copy the fetched document and lock into openapi/ (then run regenerate)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    decision = decide(args.reports)
    print(f"{decision.action.value}: {decision.reason}")
    if decision.branch:
        print(f"branch {decision.branch}, labels {', '.join(decision.labels)}")
    if args.github_output is not None:
        with args.github_output.open("a") as handle:
            handle.write(decision.github_outputs())
    if decision.action is Action.PULL_REQUEST and args.adopt:
        adopt(args.reports, UPSTREAM_SPEC.parent)
    return 1 if decision.action is Action.FAIL else 0
