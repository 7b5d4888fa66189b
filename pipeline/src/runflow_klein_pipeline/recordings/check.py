"""Check recorded HTTP interactions (vcrpy cassettes) against the OpenAPI spec, fully offline.

Usage: ``check_recordings.py [--spec PATH] [--summary] [--json] CASSETTE_OR_DIR...``

Every interaction is checked for:
- a documented path (matched on the URL path only, literal paths before templates) and method;
- path parameters, and the request body, against their schemas (JSON Schema 2020-12, formats checked;
  see recordings_schema);
- the response against the documented response: status code, Content-Type, headers and body,
  by schemathesis with an explicit set of offline checks (the default set re-sends requests);
  gzip/deflate bodies are decoded first. Where schemathesis names only the parent of an
  ``anyOf``/``oneOf``, the body is re-validated with python-jsonschema to name the leaf;
- credentials (unredacted Authorization headers, signed URLs, Runflow keys), reported by place only;
- within one cassette, the output of a run that an earlier interaction dispatched to a per-model path,
  wherever it shows up (``GET /v1/runs/{id}``, ``GET /v1/runs``, callback deliveries), against that
  model's output schema (see ``recordings.runs``).

Output: one line per violation, ``cassette#index METHOD path status: message at <where> <pointer>
[check]``, where ``<where>`` says whether the JSON pointer is in the request body, the response body
or the path parameters. Exit status: 0 all conform, 1 any violation, 2 usage or input errors
(missing file, unreadable YAML, not a cassette, unreadable spec).

Importable API (reused by the contract tests, the drift job and the live suite)::

    spec = load_spec()                                 # composed spec by default; load once, reuse it
    for interaction in load_cassette(path):            # -> list[Interaction]
        for violation in check_interaction(spec, interaction):   # -> list[Violation]
            print(violation.format())
    violations = check_cassette(spec, load_cassette(path))      # the same, plus the run models
    results = check_paths(spec, [path_or_dir, ...])     # -> list[CassetteResult], never raises on input

``check_interaction`` sees one interaction; pass it a ``KnownRuns`` shared across a sequence of
interactions (``check_cassette`` does) and it also checks run outputs against the model that made them.

``Violation`` (frozen dataclass): cassette, index, method, path, status, check, message, pointer,
location; ``format()`` gives the line above, ``to_dict()`` the ``--json`` form. ``check`` is the
schemathesis failure code (ST103 undocumented status, ST104/ST105/ST106 content type, ST107 headers,
ST108 schema, ST109 malformed JSON, ...) or one of ours: unknown_path, undocumented_method,
path_parameter, request_body, request_content_type, request_json, request_schema,
response_encoding, model_output, secret, checker_error.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from schemathesis import CheckFunction
from schemathesis.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import Failure, MalformedJson
from schemathesis.errors import FailureGroup
from schemathesis.openapi.checks import (
    JsonSchemaError,
    MalformedMediaType,
    MissingContentType,
    MissingHeaders,
    UndefinedContentType,
    UndefinedStatusCode,
)

from runflow_klein_pipeline.documents import json_text
from runflow_klein_pipeline.layout import COMPOSED_SPEC
from runflow_klein_pipeline.recordings.cassette import (
    CassetteError,
    Interaction,
    decode_content,
    find_cassettes,
    load_cassette,
)
from runflow_klein_pipeline.recordings.runs import KnownRuns, run_output_sites
from runflow_klein_pipeline.recordings.schema import pointer
from runflow_klein_pipeline.recordings.secrets import find_secrets
from runflow_klein_pipeline.recordings.spec import (
    Operation,
    RecordingSpec,
    Resolution,
    SpecLoadError,
    pick_media_type,
)

EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT_ERROR = 0, 1, 2
# Offline-safe only: the default set includes ignored_auth, which re-sends the recorded request.
OFFLINE_CHECKS: tuple[CheckFunction, ...] = (
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)
REQUEST_BODY, RESPONSE_BODY, PATH_PARAMETERS = "request body", "response body", "path parameters"

__all__ = [
    "CassetteError",
    "CassetteResult",
    "Interaction",
    "KnownRuns",
    "RecordingSpec",
    "SpecLoadError",
    "Violation",
    "check_cassette",
    "check_interaction",
    "check_paths",
    "load_cassette",
    "load_spec",
    "main",
]


@dataclass(frozen=True)
class Violation:
    """One way an interaction disagrees with the spec."""

    cassette: str
    index: int
    method: str
    path: str
    status: int
    check: str
    message: str
    pointer: str | None = None
    location: str | None = None

    def format(self) -> str:
        where = (
            f" at {self.location} {self.pointer or '(root)'}"
            if self.location and self.pointer is not None
            else ""
        )
        head = f"{self.cassette}#{self.index} {self.method} {self.path} {self.status}"
        return f"{head}: {self.message}{where} [{self.check}]"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CassetteResult:
    """The outcome for one cassette file: its violations, or why it could not be read."""

    cassette: str
    interactions: int = 0
    violations: tuple[Violation, ...] = ()
    error: str | None = None


@dataclass
class _Reporter:
    """Builds violations for one interaction (the fields every violation shares)."""

    interaction: Interaction
    found: list[Violation] = field(default_factory=list)

    def add(
        self, check: str, message: str, *, pointer: str | None = None, location: str | None = None
    ) -> None:
        i = self.interaction
        self.found.append(
            Violation(i.cassette, i.index, i.method, i.path, i.status, check, message, pointer, location)
        )


def load_spec(path: Path = COMPOSED_SPEC) -> RecordingSpec:
    """Load an OpenAPI spec (JSON or YAML) for checking; raises SpecLoadError with a one-line reason."""
    return RecordingSpec.from_path(path)


def check_cassette(spec: RecordingSpec, interactions: Sequence[Interaction]) -> list[Violation]:
    """Every violation of a cassette's interactions, each run's output checked against its model's."""
    runs = KnownRuns()
    return [
        violation for interaction in interactions for violation in check_interaction(spec, interaction, runs)
    ]


def check_interaction(
    spec: RecordingSpec, interaction: Interaction, runs: KnownRuns | None = None
) -> list[Violation]:
    """Every violation of ``interaction`` against ``spec`` (empty when it conforms). Never raises.

    With ``runs``, outputs of runs dispatched earlier are checked against their model's output schema,
    and a per-model dispatch recorded here is remembered for the interactions after it.
    """
    report = _Reporter(interaction)
    for problem in find_secrets(interaction):
        report.add("secret", problem)
    resolution = spec.resolve(interaction.method, interaction.uri)
    if resolution.path_template is None:
        report.add("unknown_path", f"no documented path matches {interaction.path}")
        return report.found
    if resolution.operation is None:
        documented = ", ".join(resolution.documented_methods)
        message = f"{interaction.method} is not documented for {resolution.path_template}"
        report.add("undocumented_method", f"{message} (documented: {documented})")
        return report.found
    operation = resolution.operation
    try:
        _check_path_parameters(spec, operation, resolution, report)
        _check_request(spec, operation, interaction, report)
        _check_response(spec, operation, resolution, interaction, report)
        if runs is not None:
            _check_run_models(spec, operation, interaction, runs, report)
    except Exception as exc:  # a checker bug must show up as a failing line, not a crash
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        report.add("checker_error", f"could not be checked: {type(exc).__name__}: {first_line}")
    return report.found


def _check_path_parameters(
    spec: RecordingSpec, operation: Operation, resolution: Resolution, report: _Reporter
) -> None:
    for name, validator in spec.path_parameter_validators(operation).items():
        if name in resolution.path_parameters:
            for error in validator.errors(resolution.path_parameters[name]):
                report.add("path_parameter", error.message, pointer=pointer([name]), location=PATH_PARAMETERS)


def _check_request(
    spec: RecordingSpec, operation: Operation, interaction: Interaction, report: _Reporter
) -> None:
    documented = spec.request_media_types(operation)
    try:
        body = decode_content(interaction.request_body or b"", interaction.request_header("Content-Encoding"))
    except ValueError as exc:
        report.add("request_body", f"cannot decode the request body: {exc}")
        return
    if not documented:
        if body.strip():
            report.add("request_body", "request body sent, but the operation documents none")
        return
    if not body.strip():
        if spec.request_body_required(operation):
            report.add("request_body", "the operation requires a request body; none was recorded")
        return
    content_type = interaction.request_header("Content-Type")
    media = pick_media_type(documented, content_type)
    if media is None:
        report.add(
            "request_content_type",
            f"request Content-Type {content_type!r} is not documented (documented: {', '.join(documented)})",
        )
        return
    if not _is_json(media):
        return
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        report.add("request_json", f"request body is not valid JSON: {exc}")
        return
    validator = spec.request_validator(operation, content_type)
    if validator is not None:
        for error in validator.errors(document):
            report.add("request_schema", error.message, pointer=error.pointer, location=REQUEST_BODY)


def _check_response(
    spec: RecordingSpec,
    operation: Operation,
    resolution: Resolution,
    interaction: Interaction,
    report: _Reporter,
) -> None:
    checks: tuple[CheckFunction, ...] = OFFLINE_CHECKS
    headers = [(name, value) for name, values in interaction.response_headers.items() for value in values]
    try:
        body = decode_content(interaction.response_body, interaction.response_header("Content-Encoding"))
        headers = [(n, v) for n, v in headers if n.lower() not in ("content-encoding", "content-length")]
    except ValueError as exc:
        report.add("response_encoding", f"cannot decode the response body: {exc}")
        body, checks = b"", (status_code_conformance,)
    url = interaction.uri if urlsplit(interaction.uri).scheme else f"http://localhost{interaction.uri}"
    response = httpx.Response(
        interaction.status, headers=headers, content=body, request=httpx.Request(interaction.method, url)
    )
    response.elapsed = datetime.timedelta(0)  # hand-built responses have none; schemathesis reads it
    case = spec.api_operation(operation).Case(path_parameters=resolution.path_parameters)
    try:
        case.validate_response(response, checks=list(checks))
    except FailureGroup as group:
        failures = list(group.exceptions)
    except Failure as single:
        failures = [single]
    else:
        return
    body_schema_failures: list[JsonSchemaError] = []
    for failure in failures:
        if isinstance(failure, JsonSchemaError) and _is_body_schema(failure):
            body_schema_failures.append(failure)
        else:
            report.add(failure.code, _describe(failure))
    if body_schema_failures:
        _report_body_schema(
            spec,
            operation=operation,
            interaction=interaction,
            body=body,
            failures=body_schema_failures,
            report=report,
        )


def _report_body_schema(
    spec: RecordingSpec,
    *,
    operation: Operation,
    interaction: Interaction,
    body: bytes,
    failures: list[JsonSchemaError],
    report: _Reporter,
) -> None:
    """Name the leaf of each schema error (schemathesis stops at the anyOf/oneOf parent)."""
    validator = spec.response_validator(
        operation, interaction.status, interaction.response_header("Content-Type")
    )
    leaves = validator.named_errors(json.loads(body)) if validator is not None else []
    if leaves:
        for error in leaves:
            report.add("ST108", error.message, pointer=error.pointer, location=RESPONSE_BODY)
        return
    for failure in failures:  # python-jsonschema disagrees: keep schemathesis's own finding
        report.add(
            failure.code,
            failure.validation_message or failure.title,
            pointer=pointer(failure.instance_path),
            location=RESPONSE_BODY,
        )


def _check_run_models(
    spec: RecordingSpec, operation: Operation, interaction: Interaction, runs: KnownRuns, report: _Reporter
) -> None:
    """Check the outputs of runs dispatched earlier against their model, then learn this dispatch's run.

    An error the generic check already reported (same place, same message) is not repeated.
    """
    try:
        body = decode_content(interaction.response_body, interaction.response_header("Content-Encoding"))
        document = json.loads(body)
    except ValueError:  # undecodable or not JSON: the response checks reported it
        return
    schema = spec.response_schema_pointer(
        operation, interaction.status, interaction.response_header("Content-Type")
    )
    reported = {(v.pointer, v.message) for v in report.found if v.location == RESPONSE_BODY}
    for site in run_output_sites(spec, schema, document) if schema is not None else ():
        dispatch = runs.dispatch_of(site.run_id)
        if dispatch is None:
            continue
        for error in spec.validator(dispatch.output_schema).errors(site.output):
            where = site.pointer + error.pointer
            if (where, error.message) not in reported:
                message = (
                    f"{error.message} (the output of a {dispatch.model} run, dispatched at #{dispatch.index})"
                )
                report.add("model_output", message, pointer=where, location=RESPONSE_BODY)
    runs.learn(spec, operation, interaction.index, interaction.status, document)


def _is_body_schema(failure: JsonSchemaError) -> bool:
    """Body errors keep the default title; header-schema errors get their own."""
    return failure.title == JsonSchemaError.kind_title


def _documented(values: Iterable[Any]) -> str:
    return f"(documented: {', '.join(map(str, values))})"


def _malformed_json(failure: MalformedJson) -> str:
    where = f" (line {failure.lineno} column {failure.colno})" if failure.lineno else ""
    return f"response body is not valid JSON: {failure.validation_message}{where}"


# One-line messages for schemathesis failures (their own ``message`` is a multi-line block).
_DESCRIPTIONS: tuple[tuple[type[Any], Callable[[Any], str]], ...] = (
    (
        UndefinedStatusCode,
        lambda f: f"undocumented status code {f.status_code} {_documented(f.defined_status_codes)}",
    ),
    (MissingContentType, lambda f: f"missing Content-Type header {_documented(f.media_types)}"),
    (
        UndefinedContentType,
        lambda f: f"undocumented Content-Type {f.content_type!r} {_documented(f.defined_content_types)}",
    ),
    (MalformedMediaType, lambda f: f"malformed Content-Type {f.actual!r}"),
    (MissingHeaders, lambda f: f"missing required response headers: {', '.join(f.missing_headers)}"),
    (MalformedJson, _malformed_json),
    (JsonSchemaError, lambda f: f"{f.title}: {f.validation_message}"),
)


def _describe(failure: Failure) -> str:
    for kind, describe in _DESCRIPTIONS:
        if isinstance(failure, kind):
            return describe(failure)
    first_line = (failure.message or "").strip().splitlines()
    return f"{failure.title}: {first_line[0]}" if first_line else str(failure.title)


def _is_json(media: str) -> bool:
    essence = media.split(";", maxsplit=1)[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json")


# ---- files and CLI ----


def check_paths(spec: RecordingSpec, paths: Sequence[Path]) -> list[CassetteResult]:
    """Check every cassette named by ``paths`` (files or directories); input errors become results."""
    results: list[CassetteResult] = []
    for path in paths:
        try:
            cassettes = find_cassettes([path])
        except CassetteError as exc:
            results.append(CassetteResult(cassette=str(path), error=str(exc)))
            continue
        results.extend(_check_file(spec, cassette) for cassette in cassettes)
    return results


def _check_file(spec: RecordingSpec, path: Path) -> CassetteResult:
    try:
        interactions = load_cassette(path)
    except CassetteError as exc:
        return CassetteResult(cassette=str(path), error=str(exc))
    violations = tuple(check_cassette(spec, interactions))
    return CassetteResult(cassette=str(path), interactions=len(interactions), violations=violations)


def _summary_lines(results: Sequence[CassetteResult]) -> Iterator[str]:
    readable = [r for r in results if r.error is None]
    for result in readable:
        state = _plural(len(result.violations), "violation") if result.violations else "all conform"
        yield f"{result.cassette}: {_plural(result.interactions, 'interaction')}, {state}"
    total = sum(r.interactions for r in readable)
    violations = [v for r in readable for v in r.violations]
    line = f"{_plural(total, 'interaction')} in {_plural(len(readable), 'cassette')}"
    if violations:
        failing = len({(v.cassette, v.index) for v in violations})
        line += f": {_plural(len(violations), 'violation')} in {_plural(failing, 'interaction')}"
    else:
        line += ", all conform"
    unreadable = len(results) - len(readable)
    if unreadable:
        line += f" ({_plural(unreadable, 'input')} could not be read)"
    yield line


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _json_report(spec: RecordingSpec, results: Sequence[CassetteResult]) -> dict[str, Any]:
    violations = [v.to_dict() for r in results for v in r.violations]
    errors = [{"cassette": r.cassette, "error": r.error} for r in results if r.error is not None]
    return {
        "spec": spec.source,
        "conforms": not violations and not errors,
        "summary": {
            "cassettes": sum(1 for r in results if r.error is None),
            "interactions": sum(r.interactions for r in results),
            "violations": len(violations),
            "errors": len(errors),
        },
        "cassettes": [
            {"cassette": r.cassette, "interactions": r.interactions, "violations": len(r.violations)}
            for r in results
            if r.error is None
        ],
        "violations": violations,
        "errors": errors,
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="check_recordings.py",
        description="Check recorded interactions (vcrpy YAML cassettes) against the OpenAPI spec, offline: "
        "request bodies and path parameters by JSON Schema, responses (status, Content-Type, headers, "
        "body) by schemathesis. Prints one line per violation.",
        epilog="Exit status: 0 all conform, 1 violations found, 2 usage or input error "
        "(missing file, unreadable YAML, not a cassette, unreadable spec).",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="CASSETTE_OR_DIR",
        help="cassette files, or directories to search",
    )
    parser.add_argument(
        "--spec", type=Path, default=COMPOSED_SPEC, help="OpenAPI spec, JSON or YAML (default: %(default)s)"
    )
    parser.add_argument("--summary", action="store_true", help="also print per-cassette and total counts")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON report instead of text (it always has the summary)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        spec = load_spec(args.spec)
    except SpecLoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    results = check_paths(spec, args.paths)
    if args.json:
        print(json_text(_json_report(spec, results)), end="")
    else:
        for result in results:
            for violation in result.violations:
                print(violation.format())
        for result in results:
            if result.error is not None:
                print(f"error: {result.error}", file=sys.stderr)
        if args.summary:
            for line in _summary_lines(results):
                print(line)
    if any(result.error is not None for result in results):
        return EXIT_INPUT_ERROR
    return EXIT_VIOLATIONS if any(result.violations for result in results) else EXIT_OK
