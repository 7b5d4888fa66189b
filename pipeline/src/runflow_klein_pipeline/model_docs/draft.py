"""``scripts/contract_from_docs.py``: a contract drafted from a model's pages, for a person to review.

The first step from the four klein models to the whole catalog. The draft has the committed contracts'
shape and passes ``load_contracts``' provenance check: every fact cites the page URL it was read from,
and what is derived rather than read (``schema_prefix`` and ``operationId`` from the model id, a path from
its template, an output no page documents) says ``inferred: <why>``.

The ``run`` endpoint is read from the docs page, else the catalog declaration; where that source is
silent on a fact of a field it lists (a range, a default, allowed values, a type), the next source that
states it fills in and is cited, as the committed contracts cite the llms.txt page for ranges the docs
table leaves out. The ``legacy`` endpoint exists when an llms.txt page was read, and is read from it
alone. The price is the first one stated in that order; shared ``$ref`` definitions are left to the
reviewer.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from runflow_klein_pipeline.documents import Json, SpecError, dump_json
from runflow_klein_pipeline.model_docs import pages
from runflow_klein_pipeline.model_docs.cli import EXIT_CLEAN, EXIT_ERROR, read_page
from runflow_klein_pipeline.model_docs.declaration import Declaration, Field, PageError, literal
from runflow_klein_pipeline.spec.compose import INFERRED_PREFIX

FROM_MODEL_ID = INFERRED_PREFIX + "derived from the model id, as for the committed contracts"
NO_OUTPUT = (
    INFERRED_PREFIX + "no page read documents this endpoint's output; an untyped object until reviewed"
)
PATHS = {"run": "/v1/models/{model}/runs", "legacy": "/v1/run/{model}"}
OPERATION_IDS = {"run": "create_{name}_run", "legacy": "legacy_run_{name}"}


def slug_parts(model_id: str) -> list[str]:
    """``black-forest-labs/flux-2-klein-4b/edit`` → ``flux, 2, klein, 4b, edit`` (the owner is dropped)."""
    return [part for part in re.split(r"[^A-Za-z0-9]+", model_id.split("/", 1)[-1]) if part]


def schema_prefix(model_id: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in slug_parts(model_id))


def _number(value: float) -> float | int:
    return int(value) if value.is_integer() else value


def _enum_value(value: str, schema_type: str | None) -> Any:
    """Pages list allowed values as text; an integer field's values are integers."""
    return value if schema_type in (None, "string") else literal(value)


def field_schema(readings: Sequence[tuple[Field, str]]) -> Json:
    """One field from what each source says (``readings``: primary first, with the URL to cite)."""
    field, url = readings[0]
    schema: Json = {}
    source: Json = {"field": url}

    def state(key: str, value: Any, where: str) -> None:
        schema[key] = value
        source[key] = where

    typed = next(((f.type, where) for f, where in readings if f.type), None)
    if typed:
        state("type", *typed)
    listed = next(((f.allowed, where) for f, where in readings if f.allowed is not None), None)
    if listed:
        state("enum", [_enum_value(value, schema.get("type")) for value in listed[0]], listed[1])
    default = next(((f.default, where) for f, where in readings if f.has_default), None)
    if default:
        state("default", *default)
    array = schema.get("type") == "array"
    for limit, key in (
        ("minimum", "minItems" if array else "minimum"),
        ("maximum", "maxItems" if array else "maximum"),
    ):
        bound = next(
            ((getattr(f, limit), where) for f, where in readings if getattr(f, limit) is not None), None
        )
        if bound:
            state(key, _number(bound[0]), bound[1])
    description = next((f.description for f, _ in readings if f.description), "")
    if field.required:
        source["required"] = url
    return {**schema, **({"description": description} if description else {}), "x-source": source}


def _object(fields: Sequence[Field], declarations: Sequence[Declaration], *, inputs: bool) -> Json:
    primary = declarations[0]
    properties = {}
    for field in fields:
        readings = [(field, primary.url)]
        for other in declarations[1:]:
            same = other.input(field.name) if inputs else None
            if same is not None:
                readings.append((same, other.url))
        properties[field.name] = field_schema(readings)
    required = [field.name for field in fields if field.required]
    return {
        "type": "object",
        **({"required": required} if required else {}),
        "properties": properties,
        "x-source": {"definition": primary.url},
    }


def endpoint(kind: str, model_id: str, title: str, declarations: Sequence[Declaration]) -> Json:
    """The ``run`` or ``legacy`` endpoint from its sources, primary first."""
    primary = declarations[0]
    path = PATHS[kind].format(model=model_id)
    # A docs page's model id is read from the endpoint it shows, so the page states this very path.
    stated = kind == "run" and primary.form == "docs" and primary.model_id == model_id
    path_source = primary.url if stated else f"{INFERRED_PREFIX}the documented path template {PATHS[kind]}"
    output = (
        _object(primary.outputs, [primary], inputs=False)
        if primary.outputs is not None
        else {"type": "object", "x-source": {"definition": NO_OUTPUT}}
    )
    return {
        "path": path,
        "operationId": OPERATION_IDS[kind].format(name="_".join(slug_parts(model_id)).lower()),
        "summary": f"Run {title}" if kind == "run" else f"Run {title} through the legacy flat endpoint",
        "x-source": {"path": path_source, "operationId": FROM_MODEL_ID, "summary": FROM_MODEL_ID},
        "input": _object(primary.inputs, declarations, inputs=True),
        "output": output,
    }


def draft(model_id: str, declarations: Sequence[Declaration]) -> Json:
    """A contract for ``model_id`` from its declarations (at most one per form)."""
    by_form: dict[str, Declaration] = {}
    for declaration in declarations:
        if declaration.form in by_form:
            raise PageError(
                f"two {declaration.form} pages given ({by_form[declaration.form].url}, {declaration.url})"
            )
        by_form[declaration.form] = declaration
    run = [by_form[form] for form in ("docs", "catalog", "llms") if form in by_form]
    if run[0].form == "llms":
        raise PageError(
            f"{model_id}: the run endpoint is documented on the docs page or in the catalog, not on an "
            f"llms.txt page: add --page {pages.DOCS_URL.format(model=model_id)}.md"
        )
    titled = next((d for d in run if d.title), None)
    title = titled.title if titled and titled.title else model_id
    doc: Json = {
        "$comment": (
            f"Drafted by scripts/contract_from_docs.py from {', '.join(d.url for d in run)}. Review every "
            "fact, list its pages in openapi/sources.yaml and use the _shared.json definitions where they "
            "fit before committing it to openapi/contracts/."
        ),
        "model_id": model_id,
        "title": title,
        "schema_prefix": schema_prefix(model_id),
        "x-source": {
            "model": run[0].url,
            "title": titled.url if titled else FROM_MODEL_ID,
            "schema_prefix": FROM_MODEL_ID,
        },
        "run": endpoint("run", model_id, title, run),
    }
    priced = next((d for d in run if d.price), None)
    if priced and priced.price:
        usd, unit = priced.price
        doc["pricing"] = {"unit": unit, "usd": usd, "x-source": {"usd": priced.url, "unit": priced.url}}
    if "llms" in by_form:
        doc["legacy"] = endpoint("legacy", model_id, title, [by_form["llms"]])
    return doc


# ---------------------------------------------------------------- entry point


def read_declarations(model_id: str, sources: Sequence[str]) -> list[Declaration]:
    """The pages given, else the model's pages from the web (its llms.txt only if it has one), plus its
    catalog declaration when ``RUNFLOW_API_KEY`` is set."""
    if sources:
        declarations = [read_page(source, model_id) for source in sources]
    else:
        docs, llms = pages.model_pages(model_id, legacy=True)
        declarations = [read_page(docs.fetch_url, model_id)]
        try:
            declarations.append(read_page(llms.fetch_url, model_id))
        except SpecError as exc:  # most models have no legacy endpoint, hence no llms.txt page
            print(f"note: no llms.txt page, so no legacy endpoint: {exc}", file=sys.stderr)
    key = os.environ.get(pages.KEY_ENV)
    if key:
        declarations.append(pages.read_catalog(pages.catalog_page(model_id, pages.catalog_base()), key))
    return declarations


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="contract_from_docs.py",
        description=(
            "Draft a contract for MODEL_ID from its pages (and its catalog declaration when "
            f"${pages.KEY_ENV} is set), every fact with its x-source, for a person to review. "
            "Exit status: 0 drafted, 2 a page could not be read or the file exists."
        ),
    )
    parser.add_argument("model_id", metavar="MODEL_ID", help="e.g. black-forest-labs/flux-2-klein-4b/edit")
    parser.add_argument(
        "--page",
        action="append",
        default=[],
        metavar="FILE_OR_URL",
        help="a page to read (docs page .md, llms.txt, catalog response); repeatable; default: fetch the "
        "model's docs page and llms.txt",
    )
    parser.add_argument("--out", type=Path, help="write the draft here (never over an existing file)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        data = dump_json(draft(args.model_id, read_declarations(args.model_id, args.page)))
        if args.out is None:
            sys.stdout.write(data.decode())
        else:
            with args.out.open("xb") as handle:
                handle.write(data)
    except FileExistsError:
        print(f"error: {args.out} exists; a draft never overwrites a file", file=sys.stderr)
        return EXIT_ERROR
    except (SpecError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_CLEAN
