"""What a maintainer does next about a change: one short step per rule, or per severity by default.

A report that only lists changes leaves the reader to work out the procedure each time; the steps here
name the command or file that acts on the change, so ``drift.md`` can end with a to-do list.
"""

from __future__ import annotations

import re

from runflow_klein_pipeline.drift.findings import RULES, Severity

BY_SEVERITY = {
    Severity.BREAKING: (
        "review the regenerated client's diff in the pull request (`nox -s fetch regenerate`), adapt the "
        "runtime and callers, and release it as a breaking change (version bump, CHANGELOG entry)"
    ),
    Severity.WARNING: "review the regenerated client's diff before merging it; callers may need to adapt",
    Severity.INFO: "nothing to do: it arrives with the next regeneration",
}
NOTHING_TO_DO = "nothing to do: the naming table keeps the client's names"
BY_RULE = {
    "api-operation-id-renamed-upstream": NOTHING_TO_DO,
    "api-tags-renamed-upstream": NOTHING_TO_DO,
    "component-renamed-upstream": NOTHING_TO_DO,
    "surface-table-entry-unmatched": (
        "update the overlay target in openapi/client-surface.overlay.yaml (method + path, or the schema's "
        "shape) so it names the same thing again; `git diff generated/` must then show no renamed module "
        "or class"
    ),
    "client-generation-failed": (
        "run `nox -s fetch regenerate` locally and fix what the generator warns about (contracts or the "
        "naming table) until the new spec generates"
    ),
    "client-base-generation-failed": (
        "the committed snapshot no longer generates with the pinned generator: run `nox -s regenerate` "
        "and fix that first"
    ),
    "reality-compose-failed": (
        "run `nox -s fetch compose` locally and fix openapi/contracts/ or the naming table until it composes"
    ),
    "reality-contract-disagreement": (
        "decide which side is right: fix the contract in openapi/contracts/, or keep upstream's with "
        "`python scripts/compose_spec.py --prefer upstream`"
    ),
    "reality-recording-violation": (
        "check the interaction with `python scripts/check_recordings.py`; fix the contract, or record the "
        "behaviour in openapi/contradictions.yaml"
    ),
    "reality-live-test-failed": "rerun it with `nox -s live` and fix the contract or the runtime it exposes",
    "reality-ledger-reading": (
        "if the API takes the reading openapi/ does not encode, update the entry in "
        "openapi/contradictions.yaml and the encoding"
    ),
    "ledger-entry-settled": (
        "record the settled reading in openapi/contradictions.yaml and make openapi/ encode exactly it"
    ),
    "allowlist-entry-expired": (
        "fix what the change reports, or extend `expires` in openapi/drift-allowlist.yaml with a fresh reason"
    ),
    "allowlist-entry-unused": (
        "remove the entry from openapi/drift-allowlist.yaml, or correct its fingerprint"
    ),
}


# A model page (docs drift) is judged with the spec rules, but what changed is the documentation the
# contracts were written from, not the spec: nothing regenerates until a contract does.
ON_MODEL_PAGE = re.compile(r"^(docs|llms|catalog) page ")
FROM_MODEL_PAGE = (
    "the model page changed: update the model's contract in openapi/contracts/ from it (every fact with "
    "x-source), or record the disagreement in openapi/contradictions.yaml; then `nox -s regenerate`"
)


def on_model_page(location: str) -> bool:
    """Whether a change was found on a model page (docs drift) rather than in the spec."""
    return ON_MODEL_PAGE.match(location) is not None


def next_step(rule: str, location: str = "") -> str:
    if on_model_page(location) and rule in RULES and RULES[rule].severity is not Severity.INFO:
        return FROM_MODEL_PAGE
    return BY_RULE.get(rule) or BY_SEVERITY[RULES[rule].severity]
