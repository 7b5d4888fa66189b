"""The docs page of a model (``https://docs.runflow.io/models/<model>``) in both the shapes it is read in.

The ``.md`` variant carries pipe tables under "Input schema" (Field, Type, Required, Allowed values,
Description), "Output schema" (Field, Type, Description) and "Callback payload". A crawl of the rendered
page keeps one row per line but joins the cells (``num_imagesintegeroptionalAny``), so those rows are
split on the documented type names and on ``required``/``optional``. A missing output or callback table
leaves that part of the declaration unknown (None); a missing input table means it is not a model page.
"""

from __future__ import annotations

import re

from runflow_klein_pipeline.model_docs.declaration import (
    TYPES,
    Declaration,
    Field,
    PageError,
    price_of,
    schema_type,
)

SECTIONS = {"input": "Input schema", "output": "Output schema", "callback": "Callback payload"}
# A heading is a line of its own ("Input schema", "## Input schema"), never a mention in a sentence.
HEADING = re.compile(
    r"^[ \t]*#*[ \t]*(?P<name>Input schema|Output schema|Callback payload|Additional Resources)[ \t]*$",
    re.M | re.I,
)
TYPE_NAMES = "|".join(sorted(TYPES, key=len, reverse=True))
CELL_SPLIT = re.compile(r"(?<!\\)\|")
JOINED_HEAD = rf"^(?P<name>[A-Za-z_][A-Za-z0-9_]*?)(?P<type>(?:{TYPE_NAMES})(?: \| null)?)"
JOINED_INPUT = re.compile(JOINED_HEAD + r"(?P<required>required|optional)(?P<rest>.*)$")
JOINED_OTHER = re.compile(JOINED_HEAD + r"(?P<rest>.*)$")
# "Allowed values" glued to the description: comma-separated lowercase tokens, then a capital letter.
JOINED_ALLOWED = re.compile(r"^(?P<values>[a-z0-9_.\-]+(?:, [a-z0-9_.\-]+)*?)(?=[A-Z]|$)")
ENDPOINT = re.compile(r"/v1/models/(?P<id>\S+?)/runs\b")
HEADER_WORDS = ("field", "parameter")


def _sections(text: str) -> dict[str, str]:
    headings = list(HEADING.finditer(text))
    bodies = {}
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        for key, name in SECTIONS.items():
            if heading["name"].lower() == name.lower() and key not in bodies:
                bodies[key] = text[heading.end() : end]
    return bodies


def _rows(body: str, columns: int) -> list[list[str]]:
    """The table's data rows as cells, from pipe rows or from rows whose cells the crawl joined."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    piped = [line for line in lines if line.startswith("|")]
    if piped:
        rows = []
        for line in piped:
            cells = [cell.strip().replace("\\|", "|") for cell in CELL_SPLIT.split(line.strip().strip("|"))]
            if set("".join(cells)) <= set("-: ") or cells[0].lower() in HEADER_WORDS:
                continue
            rows.append((cells + [""] * columns)[:columns])
        return rows
    header = next((i for i, line in enumerate(lines) if line.lower().startswith("fieldtype")), None)
    if header is None:
        return []
    pattern = JOINED_INPUT if columns == 5 else JOINED_OTHER
    rows = []
    for line in lines[header + 1 :]:
        match = pattern.match(line)
        if match is None:
            break  # the table ended (prose such as "• Retries: …" follows it)
        if columns == 5:
            rest = match["rest"]
            allowed = "Any" if rest.startswith("Any") else (JOINED_ALLOWED.match(rest) or [""])[0]
            rows.append([match["name"], match["type"], match["required"], allowed, rest[len(allowed) :]])
        else:
            rows.append([match["name"], match["type"], match["rest"]])
    return rows


def _input(cells: list[str]) -> Field:
    name, documented, required, allowed, description = cells
    values = None if allowed.strip().lower() in ("any", "", "-", "—") else allowed
    return Field(
        name=name.strip("` "),
        type=schema_type(documented.strip("` ")),
        required=required.strip().lower() == "required",
        allowed=tuple(v.strip().strip("`") for v in values.split(",")) if values else None,
        description=" ".join(description.split()),
    )


def _other(cells: list[str]) -> Field:
    name, documented, description = cells
    return Field(
        name=name.strip("` "), type=schema_type(documented.strip("` ")), description=description.strip()
    )


def is_docs_page(text: str) -> bool:
    return "input" in _sections(text)


def parse(text: str, *, url: str) -> Declaration:
    sections = _sections(text)
    if "input" not in sections:
        raise PageError(f"{url}: not a docs model page (no 'Input schema' table)")
    inputs = tuple(_input(cells) for cells in _rows(sections["input"], 5))
    if not inputs:
        raise PageError(f"{url}: the 'Input schema' table has no rows")
    outputs = _rows(sections["output"], 3) if "output" in sections else []
    callback = _rows(sections["callback"], 3) if "callback" in sections else []
    endpoint = ENDPOINT.search(text)
    title = next((line.strip("# ") for line in text.splitlines() if line.startswith("# ")), None)
    return Declaration(
        form="docs",
        url=url,
        model_id=endpoint["id"] if endpoint else None,
        title=title,
        inputs=inputs,
        outputs=tuple(_other(cells) for cells in outputs) or None,
        callback=tuple(_other(cells) for cells in callback) or None,
        price=price_of(text),
    )
