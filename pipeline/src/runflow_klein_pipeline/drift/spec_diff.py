"""Spec-vs-spec drift: every operation, parameter, body, response, security requirement and server.

Operations are matched by method and path template with parameter names blanked
(``/v1/runs/{id}`` matches ``/v1/runs/{run_id}``), as oasdiff and openapi-diff do. Every
``$ref`` (schemas, parameters, request bodies, responses) is followed, so a change in a shared
component is seen from every operation, status and location that reaches it; each such finding
names the component, and the report makes them one change.

The documents compared are normally the *surfaced* ones (``spec.surface.own_surface``): operationIds,
tags and component names are the project's, and upstream's own names are kept as ``x-upstream-*``
records. A record that differs while the project's name stays is a rename upstream that leaves the
generated client unchanged (info); a change of the project's name is judged as the module or class
move it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from runflow_klein_pipeline.documents import HTTP_METHODS, Json, deref
from runflow_klein_pipeline.drift.findings import Finding, Report
from runflow_klein_pipeline.drift.schema_diff import SchemaDiff
from runflow_klein_pipeline.spec.surface import (
    UPSTREAM_NAME,
    UPSTREAM_OPERATION_ID,
    UPSTREAM_TAGS,
    UPSTREAM_TITLE,
)

PATH_PARAMETER = re.compile(r"\{([^{}/]+)\}")
JSON_MEDIA = "application/json"
COMPONENTS = "#/components/"
RENAMED = "renamed upstream; client unchanged"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    node: Json
    path_item: Json

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def path_parameter_names(self) -> list[str]:
        return PATH_PARAMETER.findall(self.path)


def operations(doc: Json) -> dict[tuple[str, str], Operation]:
    """Operations keyed by (method, path template with parameter names blanked)."""
    found = {}
    for path, raw_item in (doc.get("paths") or {}).items():
        item = deref(doc, raw_item)
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                found[(method, PATH_PARAMETER.sub("{}", path))] = Operation(method, path, item[method], item)
    return found


def _first_tag(operation: Operation) -> str:
    tags = operation.node.get("tags") or ["default"]
    return str(tags[0])


def _media_where(prefix: str, media: str) -> str:
    return f"{prefix} body" if media == JSON_MEDIA else f"{prefix} body ({media})"


def _component(raw: Any) -> str:
    """``parameters/PageSize`` for ``{"$ref": "#/components/parameters/PageSize"}``; empty when inline."""
    ref = raw.get("$ref") if isinstance(raw, dict) else None
    return ref.removeprefix(COMPONENTS) if isinstance(ref, str) and ref.startswith(COMPONENTS) else ""


def _shared(old: Any, new: Any) -> str:
    """The component both sides take an object from, or empty when they do not take it from the same one."""
    component = _component(old)
    return component if component == _component(new) else ""


def _names(value: Any) -> str:
    if value is None:
        return "none"
    return ", ".join(f"`{name}`" for name in value) if isinstance(value, list) else f"`{value}`"


def _content(doc: Json, node: Json) -> dict[str, Json]:
    return {media: deref(doc, value) for media, value in (node.get("content") or {}).items()}


def _schema_identity(doc: Json, response: Any) -> set[str]:
    """What a response's body is, for telling whether a new status brings a new type."""
    identities = set()
    for media in _content(doc, deref(doc, response)).values():
        schema = media.get("schema")
        if isinstance(schema, dict):
            identities.add(str(schema.get("$ref") or sorted(schema.items())))
    return identities


@dataclass
class SpecDiff:
    base: Json
    head: Json
    findings: list[Finding] = field(default_factory=list)

    def run(self) -> Report:
        self._servers()
        self._security_schemes()
        self._components_renamed_upstream()
        base_ops, head_ops = operations(self.base), operations(self.head)
        head_paths = {key[1] for key in head_ops}
        for key in sorted(base_ops.keys() | head_ops.keys()):
            old, new = base_ops.get(key), head_ops.get(key)
            if new is None:
                assert old is not None
                what = "operation" if key[1] in head_paths else "path"
                self._add(f"api-{what}-removed", old.label, what, f"{what} removed")
            elif old is None:
                self._add("api-operation-added", new.label, "operation", "operation added")
            else:
                self._operation(old, new)
        return Report.of(self.findings)

    def _add(self, rule: str, operation: str, location: str, message: str, component: str = "") -> None:
        self.findings.append(Finding(rule, operation, location, message, component))

    # ------------------------------------------------------------ document level

    def _servers(self) -> None:
        def urls(doc: Json) -> set[str]:
            return {
                str(s.get("url", "")).rstrip("/") for s in doc.get("servers") or [] if isinstance(s, dict)
            }

        old, new = urls(self.base), urls(self.head)
        removed, added = sorted(old - new), sorted(new - old)
        if len(removed) == 1 and len(added) == 1:
            self._add("server-url-changed", "", "servers", f"server {removed[0]} → {added[0]}")
            return
        for url in removed:
            self._add("server-removed", "", "servers", f"server {url} removed")
        for url in added:
            self._add("server-added", "", "servers", f"server {url} added")

    def _security_schemes(self) -> None:
        def schemes(doc: Json) -> dict[str, Json]:
            found = (doc.get("components") or {}).get("securitySchemes") or {}
            return {name: deref(doc, scheme) for name, scheme in found.items()}

        old, new = schemes(self.base), schemes(self.head)
        significant = ("type", "scheme", "in", "name", "bearerFormat", "flows", "openIdConnectUrl")
        for name in sorted(old.keys() | new.keys()):
            where = f"securitySchemes {name}"
            if name not in new:
                self._add("security-scheme-removed", "", where, f"security scheme `{name}` removed")
            elif name not in old:
                self._add("security-scheme-added", "", where, f"security scheme `{name}` added")
            else:
                changed = [key for key in significant if old[name].get(key) != new[name].get(key)]
                if changed:
                    self._add(
                        "security-scheme-changed",
                        "",
                        where,
                        f"security scheme `{name}`: {', '.join(changed)} changed",
                    )

    def _components_renamed_upstream(self) -> None:
        def schemas(doc: Json) -> Json:
            return (doc.get("components") or {}).get("schemas") or {}

        old, new = schemas(self.base), schemas(self.head)
        for name in sorted(old.keys() & new.keys()):
            renames = []
            keys = old[name].get(UPSTREAM_NAME, name), new[name].get(UPSTREAM_NAME, name)
            if keys[0] != keys[1]:
                renames.append(f"key {_names(keys[0])} → {_names(keys[1])}")
            titles = old[name].get(UPSTREAM_TITLE), new[name].get(UPSTREAM_TITLE)
            if titles[0] != titles[1]:
                # Without a record, upstream's title was the class name or there was none.
                before, after = (_names(title) if title else f"`{name}` or none" for title in titles)
                renames.append(f"title {before} → {after}")
            if renames:
                self._add(
                    "component-renamed-upstream", "", f"schemas/{name}", f"{RENAMED}: {'; '.join(renames)}"
                )

    # ------------------------------------------------------------ one operation

    def _operation(self, old: Operation, new: Operation) -> None:
        label = new.label
        if old.node.get("operationId") != new.node.get("operationId"):
            message = f"operationId `{old.node.get('operationId')}` → `{new.node.get('operationId')}`"
            self._add("api-operation-id-changed", label, "operationId", message)
        elif old.node.get(UPSTREAM_OPERATION_ID) != new.node.get(UPSTREAM_OPERATION_ID):
            before, after = old.node.get(UPSTREAM_OPERATION_ID), new.node.get(UPSTREAM_OPERATION_ID)
            message = f"{RENAMED}: operationId {_names(before)} → {_names(after)}"
            self._add("api-operation-id-renamed-upstream", label, "operationId", message)
        if _first_tag(old) != _first_tag(new):
            self._add(
                "api-first-tag-changed", label, "tags", f"first tag `{_first_tag(old)}` → `{_first_tag(new)}`"
            )
        elif UPSTREAM_TAGS in old.node or UPSTREAM_TAGS in new.node:
            # Without a record, upstream's tags were the project's.
            before, after = (op.node.get(UPSTREAM_TAGS, op.node.get("tags")) for op in (old, new))
            if before != after:
                message = f"{RENAMED}: tags {_names(before)} → {_names(after)}"
                self._add("api-tags-renamed-upstream", label, "tags", message)
        old_deprecated, new_deprecated = bool(old.node.get("deprecated")), bool(new.node.get("deprecated"))
        if old_deprecated != new_deprecated:
            rule = "api-deprecated" if new_deprecated else "api-reactivated"
            self._add(
                rule,
                label,
                "deprecated",
                "operation deprecated" if new_deprecated else "no longer deprecated",
            )
        for key in ("summary", "description"):
            if (old.node.get(key) or "").strip() != (new.node.get(key) or "").strip():
                self._add(f"api-{key}-changed", label, key, f"{key} changed")
        self._security(old, new)
        self._parameters(old, new)
        self._request_body(old, new)
        self._responses(old, new)

    def _schemas(self, direction: str, operation: str) -> SchemaDiff:
        return SchemaDiff(self.base, self.head, direction, operation, self.findings.append)

    # ------------------------------------------------------------ security

    def _security(self, old: Operation, new: Operation) -> None:
        def alternatives(doc: Json, operation: Operation) -> dict[frozenset[str], Json]:
            requirements = operation.node.get("security", doc.get("security")) or []
            return {frozenset(req): req for req in requirements if isinstance(req, dict)}

        def text(names: frozenset[str]) -> str:
            return " + ".join(sorted(names)) or "anonymous"

        before, after = alternatives(self.base, old), alternatives(self.head, new)
        label = new.label
        if not after and before:
            self._add("security-removed", label, "security", "security requirements removed (now public)")
            return
        if not before:
            for names in sorted(after, key=text):
                self._add("security-requirement-added", label, "security", f"now requires {text(names)}")
            return
        removed = sorted(before.keys() - after.keys(), key=text)
        added = sorted(after.keys() - before.keys(), key=text)
        if len(removed) == 1 and len(added) == 1:
            message = f"security {text(removed[0])} → {text(added[0])}"
            self._add("security-requirement-changed", label, "security", message)
        else:
            for names in removed:
                self._add(
                    "security-requirement-removed", label, "security", f"{text(names)} no longer accepted"
                )
            for names in added:
                self._add("security-alternative-added", label, "security", f"{text(names)} also accepted")
        for names in sorted(before.keys() & after.keys(), key=text):
            old_scopes = {k: sorted(v or []) for k, v in before[names].items()}
            new_scopes = {k: sorted(v or []) for k, v in after[names].items()}
            if old_scopes != new_scopes:
                self._add(
                    "security-scopes-changed",
                    label,
                    "security",
                    f"scopes of {text(names)}: {old_scopes} → {new_scopes}",
                )

    # ------------------------------------------------------------ parameters

    def _parameter_map(self, doc: Json, operation: Operation) -> dict[tuple[str, str], tuple[Json, Any]]:
        """Path-item parameters overridden by operation parameters, keyed by (in, name): each parameter
        and how the operation gives it (inline or a ``$ref``)."""
        merged = {}
        for raw in [
            *(operation.path_item.get("parameters") or []),
            *(operation.node.get("parameters") or []),
        ]:
            parameter = deref(doc, raw)
            place, name = str(parameter.get("in", "")), str(parameter.get("name", ""))
            merged[(place, name.lower() if place == "header" else name)] = parameter, raw
        return merged

    def _parameters(self, old: Operation, new: Operation) -> None:
        label = new.label
        renamed = {
            a: b for a, b in zip(old.path_parameter_names, new.path_parameter_names, strict=False) if a != b
        }
        before = {
            ("path", renamed.get(name, name)) if place == "path" else (place, name): p
            for (place, name), p in self._parameter_map(self.base, old).items()
        }
        after = self._parameter_map(self.head, new)
        for old_name, new_name in sorted(renamed.items()):
            message = f"path parameter `{old_name}` renamed to `{new_name}`"
            self._add("request-path-parameter-renamed", label, f"path parameter {new_name}", message)
        for key in sorted(before.keys() | after.keys()):
            where = f"{key[0]} parameter {(after.get(key) or before[key])[0].get('name')}"
            if key not in after:
                self._add("request-parameter-removed", label, where, f"{where} removed")
            elif key not in before:
                required = bool(after[key][0].get("required"))
                rule = "new-required-request-parameter" if required else "new-optional-request-parameter"
                self._add(rule, label, where, f"{'required' if required else 'optional'} {where} added")
            else:
                (old_parameter, old_raw), (new_parameter, new_raw) = before[key], after[key]
                self._parameter(old_parameter, new_parameter, label, where, _shared(old_raw, new_raw))

    def _parameter(self, old: Json, new: Json, label: str, where: str, shared: str) -> None:
        old_required, new_required = bool(old.get("required")), bool(new.get("required"))
        if old_required != new_required:
            state = "required" if new_required else "optional"
            self._add(f"request-parameter-became-{state}", label, where, f"{where} became {state}", shared)
        if (old.get("description") or "").strip() != (new.get("description") or "").strip():
            message = "parameter description changed"
            self._add("request-parameter-description-changed", label, where, message, shared)
        self._schemas("request", label).compare(
            _parameter_schema(self.base, old),
            _parameter_schema(self.head, new),
            where=where,
            subject="parameter",
            component=shared,
        )

    # ------------------------------------------------------------ request body

    def _request_body(self, old: Operation, new: Operation) -> None:
        label, where = new.label, "request body"
        raw_old, raw_new = old.node.get("requestBody"), new.node.get("requestBody")
        if raw_old is None and raw_new is None:
            return
        if raw_new is None:
            self._add("request-body-removed", label, where, "request body removed")
            return
        new_body = deref(self.head, raw_new)
        if raw_old is None:
            required = bool(new_body.get("required"))
            rule = "new-required-request-body" if required else "new-optional-request-body"
            self._add(rule, label, where, f"{'required' if required else 'optional'} request body added")
            return
        old_body, shared = deref(self.base, raw_old), _shared(raw_old, raw_new)
        old_required, new_required = bool(old_body.get("required")), bool(new_body.get("required"))
        if old_required != new_required:
            state = "required" if new_required else "optional"
            self._add(f"request-body-became-{state}", label, where, f"request body became {state}", shared)
        old_content, new_content = _content(self.base, old_body), _content(self.head, new_body)
        for media in sorted(old_content.keys() - new_content.keys()):
            self._add("request-body-media-type-removed", label, where, f"media type {media} removed", shared)
        for media in sorted(new_content.keys() - old_content.keys()):
            self._add("request-body-media-type-added", label, where, f"media type {media} added", shared)
        for media in sorted(old_content.keys() & new_content.keys()):
            old_schema, new_schema = old_content[media].get("schema"), new_content[media].get("schema")
            if old_schema is not None and new_schema is not None:
                self._schemas("request", label).compare(
                    old_schema,
                    new_schema,
                    where=_media_where("request", media),
                    subject="body",
                    component=_media_where(shared, media) if shared else "",
                )

    # ------------------------------------------------------------ responses

    def _responses(self, old: Operation, new: Operation) -> None:
        label = new.label
        before, after = old.node.get("responses") or {}, new.node.get("responses") or {}
        old_success = {s for s in before if str(s).startswith("2")}
        new_success = {s for s in after if str(s).startswith("2")}
        if old_success and new_success and not old_success & new_success:
            message = f"success status {', '.join(sorted(old_success))} → {', '.join(sorted(new_success))}"
            self._add("response-success-status-changed", label, "responses", message)
            skip = old_success | new_success
        else:
            skip = set()
        known_bodies = set().union(*(_schema_identity(self.base, r) for r in before.values()))
        for status in sorted(before.keys() | after.keys(), key=str):
            if status in skip:
                continue
            where = f"response {status}"
            kind = "success" if str(status).startswith("2") else "error"
            if status not in after:
                self._add(f"response-{kind}-status-removed", label, where, f"status {status} removed")
            elif status not in before:
                new_type = kind == "error" and not _schema_identity(self.head, after[status]) <= known_bodies
                rule = f"response-{kind}-status-added" + ("-new-type" if new_type else "")
                self._add(rule, label, where, f"status {status} added")
            else:
                self._response(before[status], after[status], label, str(status))

    def _response(self, raw_old: Any, raw_new: Any, label: str, status: str) -> None:
        where, shared = f"response {status}", _shared(raw_old, raw_new)
        old, new = deref(self.base, raw_old), deref(self.head, raw_new)

        def add(rule: str, message: str) -> None:
            self._add(rule, label, where, message, shared)

        if (old.get("description") or "").strip() != (new.get("description") or "").strip():
            add("response-description-changed", "response description changed")
        old_content, new_content = _content(self.base, old), _content(self.head, new)
        if old_content and not new_content:
            add("response-body-removed", "response body removed")
            return
        if new_content and not old_content:
            add("response-body-added", "response body added")
            return
        removed = sorted(old_content.keys() - new_content.keys())
        added = sorted(new_content.keys() - old_content.keys())
        if removed and added and not old_content.keys() & new_content.keys():
            add("response-media-type-changed", f"media type {', '.join(removed)} → {', '.join(added)}")
        else:
            for media in removed:
                add("response-media-type-removed", f"media type {media} removed")
            for media in added:
                add("response-media-type-added", f"media type {media} added")
        for media in sorted(old_content.keys() & new_content.keys()):
            old_schema, new_schema = old_content[media].get("schema"), new_content[media].get("schema")
            if old_schema is not None and new_schema is not None:
                self._schemas("response", label).compare(
                    old_schema,
                    new_schema,
                    where=_media_where(where, media),
                    subject="body",
                    component=_media_where(shared, media) if shared else "",
                )


def _parameter_schema(doc: Json, parameter: Json) -> Any:
    """A parameter's schema, from ``schema`` or from its single ``content`` entry."""
    if "schema" in parameter:
        return parameter["schema"]
    for media in _content(doc, parameter).values():
        return media.get("schema", {})
    return {}


def diff_specs(base: Json, head: Json) -> Report:
    """Every difference between two OpenAPI documents, classified for our generated client."""
    return SpecDiff(base, head).run()
