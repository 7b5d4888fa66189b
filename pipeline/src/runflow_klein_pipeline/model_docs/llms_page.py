"""The ``llms.txt`` form of a model page (``https://www.runflow.io/api/models/<model>/llms.txt``).

```
## Input Schema
### `num_images` (integer, optional)
Number of images to generate (1-4).
- **Default**: `1`
- **Min**: 1
- **Max**: 4
```

Crawls join the whole page into one line, so nothing here relies on line breaks: sections are found by
their ``##``/``###`` markers and facts by their ``- **Name**:`` markers.
"""

from __future__ import annotations

import re

from runflow_klein_pipeline.model_docs.declaration import (
    Declaration,
    Field,
    PageError,
    literal,
    number,
    price_of,
    schema_type,
)

# A level-2 heading marker (## but not ###), and the Input Schema section up to the next one.
INPUT_SECTION = re.compile(r"(?<!#)##(?!#)\s*Input Schema\b(?P<body>.*?)(?=(?<!#)##(?!#)|\Z)", re.S)
FIELD_MARKER = re.compile(r"(?<!#)###(?!#)\s*")
FIELD_HEAD = re.compile(
    r"^`(?P<name>[^`]+)`\s*\((?P<type>[^(),]+),\s*(?P<required>required|optional)\)(?P<rest>.*)$", re.S | re.I
)
FACT = re.compile(r"-\s*\*\*(?P<key>[A-Za-z ]+)\*\*:\s*(?P<value>.*?)(?=\s-\s*\*\*[A-Za-z ]+\*\*:|\Z)", re.S)
MODEL_ID = re.compile(r"\*\*Model ID\*\*:\s*`(?P<id>[^`]+)`")
TITLE = re.compile(r"^\s*#(?!#)\s*(?P<title>[^>\n#]+?)\s*(?:>|\n|##|$)")
TICKED = re.compile(r"`([^`]*)`")


def is_llms_page(text: str) -> bool:
    """An "## Input Schema" section with ``### `name```` entries (a docs .md page has "## Input schema")."""
    section = INPUT_SECTION.search(text)
    return section is not None and re.search(r"(?<!#)###(?!#)\s*`", section["body"]) is not None


def _field(chunk: str, where: str) -> Field:
    head = FIELD_HEAD.match(chunk.strip())
    if head is None:
        raise PageError(f"{where}: cannot read the Input Schema entry {chunk.strip()[:60]!r}")
    rest = head["rest"]
    first_fact = FACT.search(rest)
    description = " ".join(rest[: first_fact.start() if first_fact else len(rest)].split())
    facts = {m["key"].strip().lower(): m["value"].strip() for m in FACT.finditer(rest)}
    default = facts.get("default")
    options = facts.get("options")
    return Field(
        name=head["name"].strip(),
        type=schema_type(head["type"]),
        required=head["required"].lower() == "required",
        has_default=default is not None,
        default=literal(_unticked(default)) if default is not None else None,
        allowed=tuple(TICKED.findall(options) or [v.strip() for v in options.split(",")])
        if options
        else None,
        minimum=number(facts["min"]) if "min" in facts else None,
        maximum=number(facts["max"]) if "max" in facts else None,
        description=description,
    )


def _unticked(value: str) -> str:
    ticked = TICKED.search(value)
    return ticked.group(1) if ticked else value


def parse(text: str, *, url: str) -> Declaration:
    section = INPUT_SECTION.search(text)
    if section is None:
        raise PageError(f"{url}: not an llms.txt model page (no '## Input Schema' section)")
    chunks = [chunk for chunk in FIELD_MARKER.split(section["body"])[1:] if chunk.strip()]
    if not chunks:
        raise PageError(f"{url}: the Input Schema section lists no inputs")
    model_id = MODEL_ID.search(text)
    title = TITLE.search(text)
    return Declaration(
        form="llms",
        url=url,
        model_id=model_id["id"] if model_id else None,
        title=title["title"] if title else None,
        inputs=tuple(_field(chunk, url) for chunk in chunks),
        price=price_of(text),
    )
