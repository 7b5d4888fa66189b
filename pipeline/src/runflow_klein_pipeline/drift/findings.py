"""Findings, severities and the rule table shared by the spec-level and client-surface drift checks.

Severity is judged for *our* generated client (openapi-python-client 0.29.1) and its callers, not
for HTTP clients in general:

- ``breaking``: the deployed client or its callers fail against the new API (a request the server
  now rejects, a response ``from_dict`` raises on), or regenerating the client removes or renames
  something callers use by name (an endpoint module, a keyword, a model field, an enum member).
- ``warning``: nothing is expected to fail, but behaviour or typing changes that callers should
  review (for example a new default the regenerated client will send).
- ``info``: additive or documentation-only changes.

Every rule has exactly one severity, so a rule id alone tells a reader (and an allow-list) how
serious a finding is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from functools import cached_property


class Severity(StrEnum):
    BREAKING = "breaking"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = (Severity.BREAKING, Severity.WARNING, Severity.INFO)
B, W, I = Severity.BREAKING, Severity.WARNING, Severity.INFO  # noqa: E741 (table shorthand)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    why: str


# ---------------------------------------------------------------- rules with a fixed subject

_FIXED_RULES: tuple[tuple[str, Severity, str], ...] = (
    # operations
    ("api-path-removed", B, "the path is gone: its endpoint modules disappear and deployed clients get 404"),
    ("api-operation-removed", B, "the endpoint module disappears and deployed clients get 404/405"),
    ("api-operation-added", I, "a new endpoint module; nothing existing changes"),
    ("api-operation-id-changed", B, "the generated module and functions are named after operationId"),
    (
        "api-first-tag-changed",
        B,
        "the generated endpoint module lives in api/<first tag>/, so its import moves",
    ),
    ("api-deprecated", W, "still works; callers should plan to migrate"),
    ("api-reactivated", I, "the operation is no longer deprecated"),
    ("api-summary-changed", I, "documentation only (docstrings)"),
    ("api-description-changed", I, "documentation only (docstrings)"),
    # parameters
    (
        "new-required-request-parameter",
        B,
        "the generated function gains a required argument; calls without it fail",
    ),
    ("new-optional-request-parameter", I, "the generated function gains an optional keyword"),
    # An optional parameter's removal is breaking *for us*: the regenerated function loses the
    # keyword, so every caller passing it gets TypeError (deployed clients still send it).
    (
        "request-parameter-removed",
        B,
        "the regenerated function loses the keyword: callers passing it get TypeError",
    ),
    ("request-parameter-became-required", B, "calls that omit the parameter are now rejected"),
    ("request-parameter-became-optional", I, "calls may now omit the parameter"),
    # The URL on the wire is the same; only the generated positional parameter is renamed, which
    # breaks callers that pass it by keyword.
    ("request-path-parameter-renamed", W, "same URL; the generated positional argument is renamed"),
    # request bodies
    ("new-required-request-body", B, "the generated functions gain a required body= argument"),
    ("new-optional-request-body", I, "the generated functions gain an optional body= argument"),
    ("request-body-removed", B, "the generated functions lose body=; callers passing it get TypeError"),
    ("request-body-became-required", B, "calls without a body are now rejected"),
    ("request-body-became-optional", I, "calls may now omit the body"),
    ("request-body-media-type-added", I, "the server accepts one more media type"),
    ("request-body-media-type-removed", B, "the server no longer accepts what the client sends"),
    # request and response object members
    ("new-required-request-property", B, "requests built by deployed clients lack it and are rejected"),
    ("new-optional-request-property", I, "the request model gains an optional field"),
    # Breaking even though deployed clients only send it when set: the regenerated model loses
    # the constructor keyword (TypeError), and servers that close the object reject it.
    ("request-property-removed", B, "the regenerated model loses the field; the server may reject it"),
    ("request-property-became-required", B, "requests that omit the field are now rejected"),
    ("request-property-became-optional", I, "requests may now omit the field"),
    # A removed *optional* response field still parses in deployed clients (UNSET), but the
    # regenerated model loses the attribute and callers reading it get AttributeError; a removed
    # required field makes deployed clients raise KeyError in from_dict.
    ("response-property-removed", B, "from_dict raises KeyError (required) or the attribute disappears"),
    ("response-property-added", I, "the response model gains a field; unknown keys were already tolerated"),
    ("response-property-became-optional", B, "from_dict raises KeyError when the field is absent"),
    ("response-property-became-required", I, "the field is now always present"),
    # statuses and media types
    ("response-success-status-removed", B, "the status is no longer parsed: sync() returns None or raises"),
    # Deployed clients treat an undocumented 2xx as unexpected (None / UnexpectedStatus) once the
    # server starts using it, but nothing changes until it does.
    (
        "response-success-status-added",
        W,
        "deployed clients return None/raise if the server starts sending it",
    ),
    ("response-success-status-changed", B, "deployed clients do not parse the new success status"),
    ("response-error-status-removed", B, "the regenerated client no longer returns the error model for it"),
    # An error status whose body type the operation already returns (every Runflow error is an
    # ErrorResponse) only documents what deployed clients already handle as None/UnexpectedStatus.
    ("response-error-status-added", I, "documents an error whose body type the operation already returns"),
    # A new body type widens the sync() return union: type-checked callers must handle it.
    ("response-error-status-added-new-type", W, "sync()'s return union gains a type callers must handle"),
    ("response-media-type-removed", B, "the client no longer parses what the server sends"),
    ("response-media-type-changed", B, "the client no longer parses what the server sends"),
    ("response-media-type-added", I, "the server may also send another media type"),
    ("response-body-removed", B, "the response no longer has a body the client can parse"),
    ("response-body-added", I, "the response gains a body"),
    ("response-description-changed", I, "documentation only"),
    # security and servers
    ("security-requirement-added", B, "a public operation now needs credentials"),
    ("security-requirement-removed", B, "callers using that way of authenticating lose access"),
    ("security-requirement-changed", B, "the credentials callers send no longer satisfy the operation"),
    ("security-alternative-added", I, "one more way to authenticate; existing ones still work"),
    ("security-removed", I, "the operation became public; credentials are ignored"),
    ("security-scopes-changed", B, "tokens with the old scopes may be rejected"),
    ("security-scheme-removed", B, "credentials of that scheme are no longer accepted"),
    ("security-scheme-changed", B, "credentials must be sent differently"),
    ("security-scheme-added", I, "a new way to authenticate"),
    # The generated Client requires base_url, but the runtime and users' configuration follow the
    # documented server: a moved server means deployed callers talk to the old host.
    ("server-url-changed", B, "deployed callers still talk to the old host"),
    ("server-removed", B, "deployed callers configured for it lose the API"),
    ("server-added", I, "one more documented server"),
    # upstream's own names (x-upstream-* records of the surfaced documents, spec.surface): the naming
    # table or a derived name keeps the client's names, so a rename upstream changes nothing for callers.
    (
        "api-operation-id-renamed-upstream",
        I,
        "renamed upstream; client unchanged (the module keeps its name)",
    ),
    ("api-tags-renamed-upstream", I, "renamed upstream; client unchanged (the package keeps its name)"),
    ("component-renamed-upstream", I, "renamed upstream; client unchanged (the class keeps its name)"),
    # A table entry that named something in the old document names nothing in the new one: what it
    # named now gets a derived name, which may rename a module or class once the client is regenerated.
    ("surface-table-entry-unmatched", W, "the naming table entry no longer applies; a derived name is used"),
    # client surface (regenerated packages compared with griffe)
    ("client-generation-failed", B, "the pinned generator cannot build a client from the new spec"),
    (
        "client-base-generation-failed",
        W,
        "the old spec does not generate, so the client surface was not compared",
    ),
    ("client-module-removed", B, "imports of the module fail (ImportError)"),
    ("client-module-added", I, "a new module"),
    ("client-model-removed", B, "imports and uses of the class fail"),
    ("client-model-renamed", B, "the class has a new name (same fields); imports of the old name fail"),
    ("client-model-added", I, "a new class"),
    ("client-model-field-removed", B, "reading or passing the field fails (AttributeError/TypeError)"),
    ("client-model-field-added", I, "a new field with a default"),
    # Request models are covered by new-required-request-property; for response models only code
    # that constructs them (tests, fakes) needs the new argument.
    ("client-model-field-added-required", W, "constructing the class now needs one more argument"),
    ("client-model-field-became-required", B, "constructing the class without the field fails"),
    ("client-model-field-became-optional", I, "the field got a default"),
    # Annotations are not enforced at runtime; the spec-level rules judge the runtime effect.
    ("client-model-field-type-changed", W, "the annotation changed: type-checked callers may need changes"),
    ("client-enum-value-removed", B, "code naming the member fails (AttributeError)"),
    ("client-enum-value-added", I, "a new enum member"),
    ("client-enum-value-changed", B, "the member now stands for another wire value"),
    ("client-function-removed", B, "calls of the function fail"),
    ("client-function-added", I, "a new function"),
    ("client-function-parameter-removed", B, "calls passing the argument fail (TypeError)"),
    ("client-function-parameter-added", I, "a new optional argument"),
    ("client-function-parameter-added-required", B, "calls without the new argument fail (TypeError)"),
    ("client-function-parameter-became-required", B, "calls that omit the argument fail (TypeError)"),
    ("client-function-parameter-kind-changed", B, "positional/keyword use of the argument changed"),
    ("client-function-parameter-moved", B, "positional calls pass values to the wrong parameter"),
    (
        "client-function-parameter-type-changed",
        W,
        "the annotation changed: type-checked callers may need changes",
    ),
    ("client-function-parameter-default-changed", W, "calls that omit the argument behave differently"),
    (
        "client-function-return-type-changed",
        W,
        "the return annotation changed: callers may need to narrow differently",
    ),
    ("client-symbol-kind-changed", B, "a name now refers to a different kind of object"),
    # Spec-vs-reality (scripts/nightly.py): what the API does or what composing the new spec says.
    (
        "reality-compose-failed",
        B,
        "the new upstream spec cannot be composed with the klein contracts; no typed client comes from it",
    ),
    (
        "reality-contract-disagreement",
        B,
        "upstream now documents a klein operation differently from its contract; the typed client "
        "may send or expect the wrong shape",
    ),
    (
        "reality-recording-violation",
        B,
        "a recorded or live interaction (what the API does) does not conform to the documented contract",
    ),
    ("reality-live-test-failed", B, "a live contract test against the API failed"),
    ("reality-ledger-reading", I, "which side of a documented contradiction the API takes"),
    (
        "ledger-entry-settled",
        I,
        "the fetched spec itself states which side of a documented contradiction holds",
    ),
    # The allow-list (openapi/drift-allowlist.yaml) is itself checked: an acknowledgement must not outlive
    # its reason or stay behind once the finding it named is gone.
    ("allowlist-entry-expired", W, "the acknowledgement expired; the finding it named counts again"),
    ("allowlist-entry-unused", W, "the entry matches no finding of a complete run"),
)

# ---------------------------------------------------------------- schema rules, by direction and subject

# change -> (severity in a request, severity in a response, why); None: the change has another
# name in that direction (e.g. a request never "narrows" its type, that is type-changed).
ChangeSeverities = tuple[Severity | None, Severity | None, str]
_SCHEMA_CHANGES: dict[str, ChangeSeverities] = {
    # Response: deployed from_dict calls X.from_dict(None) or the regenerated annotation gains None.
    "became-nullable": (I, B, "null is now accepted (request) or may now be returned (response)"),
    "became-not-nullable": (B, I, "null is rejected (request) or no longer returned (response)"),
    "type-changed": (B, B, "values of the old type are rejected (request) or no longer parse (response)"),
    "type-widened": (I, None, "the server accepts more types than before"),
    "type-narrowed": (None, I, "the server returns fewer types than before"),
    # date-time, date, uuid and binary change the generated Python type and are parsed at runtime.
    "format-changed": (B, B, "the format narrows accepted values or changes the generated Python type"),
    "format-removed": (I, None, "the server accepts any value of the type"),
    "format-hint-changed": (None, I, "a format the generated client does not parse"),
    # Response: the regenerated StrEnum loses the member, so code naming it fails.
    "enum-value-removed": (B, B, "rejected (request); the regenerated enum loses the member (response)"),
    # Response: compose opens every response enum (x-open-enum), so deployed clients keep a value their
    # enum lacks as a plain str; code that matches on the members must then handle it.
    "enum-value-added": (I, W, "accepted (request); deployed clients return it as a plain str (response)"),
    "extensible-enum-value-added": (None, I, "x-extensible-enum: the generated client types it as str"),
    "extensible-enum-value-removed": (B, I, "rejected (request) or no longer returned (response)"),
    "enum-added": (B, I, "only the listed values are accepted (request) or returned (response)"),
    "enum-removed": (I, W, "any value is accepted (request) or returned as a plain str (response)"),
    "pattern-added": (B, I, "values not matching are rejected (request)"),
    "pattern-changed": (B, I, "values matching only the old pattern are rejected (request)"),
    "pattern-removed": (I, I, "any value of the type is accepted"),
    # The generated client sends inline defaults itself (e.g. ``num_images: int | Unset = 1`` in the
    # generated models), so a changed default changes what regenerated clients send when callers omit it.
    "default-changed": (W, I, "regenerated clients send a different value when callers omit it"),
    "description-changed": (I, I, "documentation only"),
    "example-changed": (I, I, "documentation only"),
    # Response: generated unions try branches in order; a new shape may parse as none of them.
    "any-of-added": (I, B, "one more accepted (request) or returned (response) shape"),
    "any-of-removed": (B, I, "a shape is rejected (request) or no longer returned (response)"),
    "one-of-added": (I, B, "one more accepted (request) or returned (response) shape"),
    "one-of-removed": (B, I, "a shape is rejected (request) or no longer returned (response)"),
}
LIMIT_NAMES = ("min", "max", "min-length", "max-length", "min-items", "max-items")


def _limit_changes() -> dict[str, ChangeSeverities]:
    """``<limit>-increased/decreased/set/removed``: tightening breaks requests, nothing else breaks."""
    changes: dict[str, ChangeSeverities] = {}
    for limit in LIMIT_NAMES:
        lower = limit.startswith("min")
        for change, tightens in (
            ("increased", lower),
            ("decreased", not lower),
            ("set", True),
            ("removed", False),
        ):
            changes[f"{limit}-{change}"] = (
                (B, I, "values valid before are now rejected (request)")
                if tightens
                else (I, I, "the limit was relaxed (request) or only documents the response")
            )
    return changes


SCHEMA_CHANGES = {**_SCHEMA_CHANGES, **_limit_changes()}
SCHEMA_SUBJECTS = {"request": ("parameter", "body", "property"), "response": ("body", "property")}


def _build_rules() -> dict[str, Rule]:
    rules = {rule_id: Rule(rule_id, severity, why) for rule_id, severity, why in _FIXED_RULES}
    for direction, subjects in SCHEMA_SUBJECTS.items():
        for change, (request_severity, response_severity, why) in SCHEMA_CHANGES.items():
            severity = request_severity if direction == "request" else response_severity
            if severity is None:
                continue
            for subject in subjects:
                rule_id = f"{direction}-{subject}-{change}"
                rules.setdefault(rule_id, Rule(rule_id, severity, why))
    return dict(sorted(rules.items()))


RULES: dict[str, Rule] = _build_rules()


# ---------------------------------------------------------------- findings, changes and reports


def fingerprint(*parts: str) -> str:
    """oasdiff's fingerprint: stable across runs, so changes can be tracked and allow-listed."""
    return hashlib.sha256(":".join(parts).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Finding:
    """A change seen from one place. ``operation`` is ``METHOD /path``, or empty for document-wide and
    client findings. ``component`` is where in a shared component (``schemas/Job /status``) the change
    is, when it is in one: every place that reaches it is then the same change."""

    rule: str
    operation: str
    location: str
    message: str
    component: str = ""

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"unknown drift rule {self.rule!r}")

    @property
    def severity(self) -> Severity:
        return RULES[self.rule].severity

    @property
    def id(self) -> str:
        return fingerprint(self.rule, self.operation, self.location, self.message)

    @property
    def change_key(self) -> tuple[str, str, str, str]:
        """(rule, operation, location, message) of the change this finding is part of."""
        if self.component:
            return self.rule, "", self.component, self.message
        return self.rule, self.operation, self.location, self.message

    def sort_key(self) -> tuple[int, str, str, str, str]:
        return (SEVERITY_ORDER.index(self.severity), self.operation, self.location, self.rule, self.message)


@dataclass(frozen=True)
class Acknowledgement:
    """An allow-list entry covering a change until ``expires`` (the last day it still applies)."""

    reason: str
    expires: date


@dataclass(frozen=True)
class Change:
    """One change and every place it is reached from: the unit a report counts, lists and fingerprints.

    A change inside a shared component (a schema, parameter, request body or response under
    ``components``) reached from several operations is one change with those operations listed, not one
    per operation, and its fingerprint does not move when another operation starts to reach it. Any
    other change is one finding, and keeps that finding's fingerprint.
    """

    rule: str
    location: str  # in the component for a shared change (``schemas/Status``), else in the operation
    message: str
    findings: tuple[Finding, ...]
    acknowledged: Acknowledgement | None = None

    @property
    def severity(self) -> Severity:
        return RULES[self.rule].severity

    @property
    def shared(self) -> bool:
        return bool(self.findings[0].component)

    @property
    def id(self) -> str:
        return fingerprint(self.rule, "", self.location, self.message) if self.shared else self.findings[0].id

    @property
    def operations(self) -> tuple[str, ...]:
        return tuple(sorted({finding.operation for finding in self.findings if finding.operation}))

    @property
    def places(self) -> tuple[str, ...]:
        """Every operation and location the change is seen from (``GET /a response 200 body /status``)."""
        return tuple(sorted(f"{finding.operation} {finding.location}".strip() for finding in self.findings))

    def sort_key(self) -> tuple[int, str, str, str, str]:
        first = self.operations[0] if self.operations else ""
        return (SEVERITY_ORDER.index(self.severity), first, self.location, self.rule, self.message)


@dataclass(frozen=True)
class Report:
    """Deduplicated findings in a deterministic order (severity, operation, location, rule, message), the
    changes they make up, and which of those the allow-list acknowledges (by change id)."""

    findings: tuple[Finding, ...]
    acknowledged: Mapping[str, Acknowledgement] = field(default_factory=dict)

    @classmethod
    def of(
        cls, findings: Iterable[Finding], acknowledged: Mapping[str, Acknowledgement] | None = None
    ) -> Report:
        return cls(tuple(sorted(set(findings), key=Finding.sort_key)), dict(acknowledged or {}))

    @cached_property
    def changes(self) -> tuple[Change, ...]:
        groups: dict[tuple[str, str, str, str], list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.change_key, []).append(finding)
        changes = []
        for (rule, _, location, message), members in groups.items():
            change = Change(rule, location, message, tuple(members))
            changes.append(replace(change, acknowledged=self.acknowledged.get(change.id)))
        return tuple(sorted(changes, key=Change.sort_key))

    def open_changes(self, severity: Severity) -> tuple[Change, ...]:
        """Changes of ``severity`` that no allow-list entry acknowledges: what the verdict counts."""
        return tuple(c for c in self.changes if c.severity is severity and c.acknowledged is None)

    def count(self, severity: Severity) -> int:
        return len(self.open_changes(severity))

    @property
    def acknowledged_changes(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.acknowledged is not None)

    @property
    def has_breaking(self) -> bool:
        return self.count(Severity.BREAKING) > 0

    def merged(self, other: Report) -> Report:
        return Report.of(self.findings + other.findings, {**self.acknowledged, **other.acknowledged})
