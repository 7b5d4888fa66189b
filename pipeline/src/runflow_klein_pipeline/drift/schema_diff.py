"""Direction-aware comparison of two JSON Schemas (request or response side of one operation).

Both sides are first reduced to ``drift_shape.Shape``s, so refs, ``allOf`` and the form of
nullability do not matter. The walk recurses into properties, ``items``,
``additionalProperties`` and union branches. A comparison of two component schemas that is
already in progress higher up the walk is not entered again, which is what stops recursive
schemas.

Every finding also says where in a shared component schema the change is (``schemas/Job /status``,
the innermost component both sides reach by the same name), so a change that several operations reach
through one component is reported as one change (``findings.Change``). A change made where a schema
refers to a component (a nullable wrapper or a description next to the ``$ref``) belongs to the
schema that refers, not to the component.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from runflow_klein_pipeline.documents import Json
from runflow_klein_pipeline.drift.findings import Finding
from runflow_klein_pipeline.drift.shape import (
    LIMITS,
    PARSED_FORMATS,
    Shape,
    as_json,
    bound,
    bound_text,
    branch_key,
    covers,
    enum_of,
    excerpt,
    pointer_part,
    shape_of,
    tighter,
    types_text,
)

Emit = Callable[[Finding], None]


# ---------------------------------------------------------------- the walk


@dataclass
class SchemaDiff:
    """Compare schemas of one direction (``request`` or ``response``) of one operation."""

    base_doc: Json
    head_doc: Json
    direction: str
    operation: str
    emit: Emit
    _active: set[tuple[str, str]] = field(default_factory=set)

    def compare(self, base: Any, head: Any, *, where: str, subject: str, component: str = "") -> None:
        """Compare two schemas found at ``where`` (e.g. ``response 200 body``).

        ``subject`` is ``parameter`` or ``body`` (a body's root) and picks the rule id prefix, e.g.
        ``response-body-type-changed``; everything below a body's root is a ``property``. ``component``
        is the shared component the schemas sit in (``parameters/PageSize``), if any.
        """
        self._compare_at(base, head, _Spot(where, subject, "", component))

    def _compare_at(self, base: Any, head: Any, spot: _Spot) -> None:
        b, h = shape_of(self.base_doc, base), shape_of(self.head_doc, head)
        pair = (b.ref, h.ref) if b.ref and h.ref else None
        if pair is not None and pair in self._active:
            return
        if pair is not None:
            self._active.add(pair)
        if b.ref is not None and b.ref == h.ref:
            spot = spot.within(f"schemas/{b.ref}", referrer_changed=base != head)
        try:
            self._compare_shapes(b, h, spot)
        finally:
            if pair is not None:
                self._active.discard(pair)

    def _emit(self, spot: _Spot, change: str, message: str) -> None:
        self._emit_member(f"{self.direction}-{spot.subject}-{change}", spot, message)

    def _emit_member(self, rule: str, spot: _Spot, message: str) -> None:
        self.emit(Finding(rule, self.operation, spot.location, message, spot.shared))

    def _compare_shapes(self, b: Shape, h: Shape, spot: _Spot) -> None:
        self._nullability(b, h, spot)
        if not self._types(b, h, spot):
            return
        self._format(b, h, spot)
        self._enum(b, h, spot)
        self._limits(b, h, spot)
        self._pattern(b, h, spot)
        self._annotations(b, h, spot)
        self._unions(b, h, spot)
        self._properties(b, h, spot)
        for key in ("items", "additionalProperties"):
            b_sub, h_sub = b.keywords.get(key), h.keywords.get(key)
            if isinstance(b_sub, dict) and isinstance(h_sub, dict):
                self._compare_at(b_sub, h_sub, spot.child(key))

    def _nullability(self, b: Shape, h: Shape, spot: _Spot) -> None:
        if b.nullable != h.nullable:
            change = "became-nullable" if h.nullable else "became-not-nullable"
            self._emit(spot, change, f"{'now' if h.nullable else 'no longer'} nullable")

    def _types(self, b: Shape, h: Shape, spot: _Spot) -> bool:
        """Report a type change; return whether the rest of the schemas is still comparable."""
        b_union, h_union = b.union, h.union
        if (b_union is None) != (h_union is None):
            self._union_vs_single(b, h, spot)
            return False
        if b.types == h.types:
            return True
        message = f"type {types_text(b.types)} → {types_text(h.types)}"
        if self.direction == "request" and covers(h.types, b.types):
            self._emit(spot, "type-widened", message)
            return True
        if self.direction == "response" and h.types and covers(b.types, h.types):
            self._emit(spot, "type-narrowed", message)
            return True
        self._emit(spot, "type-changed", message)
        return False

    def _union_vs_single(self, b: Shape, h: Shape, spot: _Spot) -> None:
        """One side is a union, the other is not: the generated type becomes or stops being a Union."""
        if b.union is None and h.union is not None:
            keyword, branches = h.union
            described = f"{types_text(b.types)} → {keyword} of {len(branches)}"
            shapes = [shape_of(self.head_doc, branch) for branch in branches]
            widened = any(covers(shape.types, b.types) for shape in shapes)
            narrowed = False
        else:
            assert b.union is not None
            keyword, branches = b.union
            described = f"{keyword} of {len(branches)} → {types_text(h.types)}"
            shapes = [shape_of(self.base_doc, branch) for branch in branches]
            widened = False
            narrowed = bool(h.types) and any(covers(shape.types, h.types) for shape in shapes)
        if self.direction == "request" and widened:
            self._emit(spot, "type-widened", f"type {described}")
        elif self.direction == "response" and narrowed:
            self._emit(spot, "type-narrowed", f"type {described}")
        else:
            self._emit(spot, "type-changed", f"type {described}")

    def _format(self, b: Shape, h: Shape, spot: _Spot) -> None:
        old, new = b.keywords.get("format"), h.keywords.get("format")
        if old == new:
            return
        message = f"format {old or 'none'} → {new or 'none'}"
        parsed = bool({old, new} & PARSED_FORMATS)
        if parsed or (self.direction == "request" and new is not None):
            self._emit(spot, "format-changed", message)
        elif self.direction == "request":
            self._emit(spot, "format-removed", message)
        else:
            self._emit(spot, "format-hint-changed", message)

    def _enum(self, b: Shape, h: Shape, spot: _Spot) -> None:
        (old, old_extensible), (new, new_extensible) = enum_of(b), enum_of(h)
        if old is None and new is None:
            return
        if old is None or new is None or old_extensible != new_extensible:
            self._enum_kind_change(old, old_extensible, new, new_extensible, spot)
            return
        prefix = "extensible-" if new_extensible else ""
        for value in sorted(set(old) - set(new)):
            self._emit(spot, f"{prefix}enum-value-removed", f"enum value {value} removed")
        added = (
            "enum-value-added"
            if self.direction == "request" or not new_extensible
            else "extensible-enum-value-added"
        )
        for value in sorted(set(new) - set(old)):
            self._emit(spot, added, f"enum value {value} added")

    def _enum_kind_change(
        self,
        old: list[str] | None,
        old_extensible: bool,
        new: list[str] | None,
        new_extensible: bool,
        spot: _Spot,
    ) -> None:
        """The value set opened (no enum, or x-extensible-enum) or closed (a new enum)."""
        old_closed, new_closed = (
            old is not None and not old_extensible,
            new is not None and not new_extensible,
        )
        if old_closed and not new_closed:
            what = "x-extensible-enum" if new_extensible else "no enum"
            self._emit(spot, "enum-removed", f"enum [{', '.join(old or [])}] → {what}")
        elif new_closed and not old_closed:
            self._emit(spot, "enum-added", f"enum [{', '.join(new or [])}] added")
        elif new is None:  # x-extensible-enum dropped: still open, only documentation changed
            self._emit(spot, "description-changed", "x-extensible-enum removed")
        else:
            self._emit(spot, "description-changed", "x-extensible-enum added")

    def _limits(self, b: Shape, h: Shape, spot: _Spot) -> None:
        for name, key, exclusive_key, lower in LIMITS:
            old = bound(b.keywords, key, exclusive_key, lower=lower)
            new = bound(h.keywords, key, exclusive_key, lower=lower)
            if old == new:
                continue
            if old is None:
                change = "set"
            elif new is None:
                change = "removed"
            else:
                change = "increased" if tighter(old, new, lower=lower) == lower else "decreased"
            self._emit(spot, f"{name}-{change}", f"{key} {bound_text(old)} → {bound_text(new)}")

    def _pattern(self, b: Shape, h: Shape, spot: _Spot) -> None:
        old, new = b.keywords.get("pattern"), h.keywords.get("pattern")
        if old == new:
            return
        change = "pattern-added" if old is None else "pattern-removed" if new is None else "pattern-changed"
        self._emit(spot, change, f"pattern {as_json(old)} → {as_json(new)}")

    def _annotations(self, b: Shape, h: Shape, spot: _Spot) -> None:
        old, new = b.keywords, h.keywords
        if old.get("default") != new.get("default"):
            self._emit(
                spot,
                "default-changed",
                f"default {as_json(old.get('default'))} → {as_json(new.get('default'))}",
            )
        if (old.get("description") or "").strip() != (new.get("description") or "").strip():
            self._emit(
                spot,
                "description-changed",
                f"description {excerpt(old.get('description'))} → {excerpt(new.get('description'))}",
            )
        if (old.get("example"), old.get("examples")) != (new.get("example"), new.get("examples")):
            self._emit(spot, "example-changed", "example changed")

    def _unions(self, b: Shape, h: Shape, spot: _Spot) -> None:
        if b.union is None or h.union is None:
            return
        (b_keyword, b_branches), (h_keyword, h_branches) = b.union, h.union
        b_keyed = {branch_key(branch): branch for branch in b_branches}
        h_keyed = {branch_key(branch): (index, branch) for index, branch in enumerate(h_branches)}
        removed = [key for key in b_keyed if key not in h_keyed]
        added = [key for key in h_keyed if key not in b_keyed]
        if len(removed) == 1 and len(added) == 1:  # one branch edited in place: compare it
            index, branch = h_keyed[added[0]]
            self._compare_at(b_keyed[removed[0]], branch, spot.child(f"{h_keyword}[{index}]"))
            removed, added = [], []
        for key in removed:
            self._emit(spot, f"{_kebab(b_keyword)}-removed", f"{b_keyword} branch {key} removed")
        for key in added:
            self._emit(spot, f"{_kebab(h_keyword)}-added", f"{h_keyword} branch {key} added")
        for key, branch in b_keyed.items():
            if key in h_keyed:
                index, head_branch = h_keyed[key]
                label = key if isinstance(branch, dict) and "$ref" in branch else str(index)
                self._compare_at(branch, head_branch, spot.child(f"{h_keyword}[{label}]"))

    def _properties(self, b: Shape, h: Shape, spot: _Spot) -> None:
        b_props, h_props = b.keywords.get("properties") or {}, h.keywords.get("properties") or {}
        b_required, h_required = set(b.keywords.get("required") or []), set(h.keywords.get("required") or [])
        for name in sorted(b_props.keys() | h_props.keys()):
            member = spot.child(pointer_part(name))
            if name not in h_props:
                self._property_removed(name, member, was_required=name in b_required)
            elif name not in b_props:
                self._property_added(name, member, required=name in h_required)
            else:
                self._requiredness(name, member, old=name in b_required, new=name in h_required)
                self._compare_at(b_props[name], h_props[name], member)

    def _property_removed(self, name: str, spot: _Spot, *, was_required: bool) -> None:
        if self.direction == "request":
            self._emit_member("request-property-removed", spot, f"property `{name}` removed")
            return
        detail = "required: deployed clients raise KeyError" if was_required else "optional"
        self._emit_member("response-property-removed", spot, f"property `{name}` removed ({detail})")

    def _property_added(self, name: str, spot: _Spot, *, required: bool) -> None:
        if self.direction == "response":
            self._emit_member("response-property-added", spot, f"property `{name}` added")
        elif required:
            self._emit_member("new-required-request-property", spot, f"required property `{name}` added")
        else:
            self._emit_member("new-optional-request-property", spot, f"optional property `{name}` added")

    def _requiredness(self, name: str, spot: _Spot, *, old: bool, new: bool) -> None:
        if old == new:
            return
        state = "required" if new else "optional"
        self._emit_member(
            f"{self.direction}-property-became-{state}", spot, f"property `{name}` became {state}"
        )


def _kebab(keyword: str) -> str:
    return "any-of" if keyword == "anyOf" else "one-of"


@dataclass(frozen=True)
class _Spot:
    """Where in the walk a comparison happens: in the operation, and in the innermost shared component."""

    where: str
    subject: str
    pointer: str
    component: str = ""
    inner: str = ""  # the pointer below ``component``
    referrer: str | None = None  # where this very schema's own changes are, when not in ``component``

    @property
    def location(self) -> str:
        return f"{self.where} {self.pointer}" if self.pointer else self.where

    @property
    def shared(self) -> str:
        if self.referrer is not None:
            return self.referrer
        return f"{self.component} {self.inner}" if self.component and self.inner else self.component

    def child(self, part: str) -> _Spot:
        subject = "parameter" if self.subject == "parameter" else "property"
        return _Spot(self.where, subject, f"{self.pointer}/{part}", self.component, f"{self.inner}/{part}")

    def within(self, component: str, *, referrer_changed: bool) -> _Spot:
        """The spot inside ``component``; when the referring schema itself changed, the changes found at
        this level stay where it is (its members are still the component's)."""
        return replace(
            self, component=component, inner="", referrer=self.shared if referrer_changed else None
        )
