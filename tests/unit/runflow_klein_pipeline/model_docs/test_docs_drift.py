"""Model pages against the contracts: the committed pages agree, and every kind of change to a page is
found, named and judged (pages edited from the recordings, synthetic catalog responses, unseen forms)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from runflow_klein_pipeline.documents import SpecError
from runflow_klein_pipeline.layout import MODEL_PAGES_FIXTURES, SOURCES
from runflow_klein_pipeline.model_docs import cli, pages
from runflow_klein_pipeline.model_docs.declaration import PageError

RECORDINGS = yaml.safe_load((MODEL_PAGES_FIXTURES / "RECORDINGS.yaml").read_text())["pages"]
MODEL_PAGES = {
    "flux-2-klein-4b.llms.txt": "black-forest-labs/flux-2-klein-4b",
    "flux-2-klein-4b.docs.txt": "black-forest-labs/flux-2-klein-4b",
    "flux-2-klein-4b-edit.docs.txt": "black-forest-labs/flux-2-klein-4b/edit",
    "flux-2-klein-9b.docs.txt": "black-forest-labs/flux-2-klein-9b",
    "flux-2-klein-9b-edit.docs.txt": "black-forest-labs/flux-2-klein-9b/edit",
    "flux-2-klein-9b-edit.llms.txt": "black-forest-labs/flux-2-klein-9b/edit",
}


def drift(tmp_path: Path, capsys: pytest.CaptureFixture[str], model: str, text: str) -> tuple[int, Any]:
    page = tmp_path / "page.txt"
    page.write_text(text)
    code = cli.main(["--model", model, "--page", str(page), "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out)["findings"] if out else None


def edited(name: str, old: str, new: str) -> str:
    text = (MODEL_PAGES_FIXTURES / name).read_text()
    assert old in text, old
    return text.replace(old, new, 1)


def test_every_recording_says_where_it_comes_from_and_every_page_is_recorded() -> None:
    files = {path.name for path in MODEL_PAGES_FIXTURES.glob("*.txt")}
    assert files == set(RECORDINGS)
    reviewed = SOURCES.read_text()
    for name, entry in RECORDINGS.items():
        assert entry["url"] in reviewed, name
        assert ("recorded" in entry) != ("synthetic" in entry), name
    klein = cli.Klein.load()
    expected = {page.file_name for c in klein.contracts.values() for page in pages.contract_pages(c)}
    assert expected == set(MODEL_PAGES)


@pytest.mark.parametrize("name", sorted(MODEL_PAGES))
def test_every_committed_page_agrees_with_its_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    code, findings = drift(tmp_path, capsys, MODEL_PAGES[name], (MODEL_PAGES_FIXTURES / name).read_text())
    assert (code, findings) == (0, [])


@pytest.mark.parametrize(
    ("name", "old", "new", "rule", "field", "code"),
    [
        # llms.txt, joined into one line by the crawl
        (
            "flux-2-klein-4b.llms.txt",
            "- **Max**: 50",
            "- **Max**: 8",
            "request-property-max-decreased",
            "input.num_inference_steps",
            1,
        ),
        (
            "flux-2-klein-4b.llms.txt",
            "- **Max**: 50",
            "- **Max**: 80",
            "request-property-max-increased",
            "input.num_inference_steps",
            0,
        ),
        (
            "flux-2-klein-4b.llms.txt",
            "`jpeg`, `png`, `webp`",
            "`png`, `webp`",
            "request-property-enum-value-removed",
            "input.output_format",
            1,
        ),
        (
            "flux-2-klein-4b.llms.txt",
            "### `seed` (integer, optional)",
            "### `seed` (string, optional)",
            "request-property-type-changed",
            "input.seed",
            1,
        ),
        (
            "flux-2-klein-4b.llms.txt",
            "### `seed` (integer, optional)",
            "### `seed` (integer, required)",
            "request-property-became-required",
            "input.seed",
            1,
        ),
        (
            "flux-2-klein-4b.llms.txt",
            "- **Default**: `landscape_4_3`",
            "- **Default**: `square`",
            "request-property-default-changed",
            "input.image_size",
            0,
        ),
        (
            "flux-2-klein-9b-edit.llms.txt",
            "## Usage Examples",
            "### `mask_url` (string, required) ## Usage Examples",
            "new-required-request-property",
            "input.mask_url",
            1,
        ),
        (
            "flux-2-klein-9b-edit.llms.txt",
            "## Usage Examples",
            "### `strength` (number, optional) - **Min**: 0 - **Max**: 1 ## Usage Examples",
            "new-optional-request-property",
            "input.strength",
            0,
        ),
        # the rendered docs page, cells joined
        (
            "flux-2-klein-9b.docs.txt",
            "output_formatstringoptionaljpeg, png, webp",
            "output_formatstringoptionaljpeg, png",
            "request-property-enum-value-removed",
            "input.output_format",
            1,
        ),
        (
            "flux-2-klein-9b.docs.txt",
            "seedintegeroptionalAny\n",
            "",
            "request-property-removed",
            "input.seed",
            1,
        ),
        (
            "flux-2-klein-9b.docs.txt",
            "model_datajson",
            "extrasjson",
            "response-property-added",
            "output.extras",
            1,
        ),
        # the .md form, pipe tables
        (
            "flux-2-klein-4b.docs.txt",
            "| num_images | integer | optional | Any |",
            "| num_images | integer | optional | 1, 2 |",
            "request-property-enum-added",
            "input.num_images",
            1,
        ),
    ],
)
def test_a_changed_page_is_found_named_and_judged(  # noqa: PLR0917 (parametrized)
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    old: str,
    new: str,
    rule: str,
    field: str,
    code: int,
) -> None:
    got, findings = drift(tmp_path, capsys, MODEL_PAGES[name], edited(name, old, new))
    assert got == code
    assert [(f["rule"], f["field"]) for f in findings if f["field"] == field] == [(rule, field)]
    assert all({"severity", "rule", "field", "message"} <= f.keys() for f in findings)


def test_where_the_page_is_silent_the_contracts_sourced_facts_stand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 9B page says "Any" for num_images; the contract's 1-4 comes from another source. The 4B edit page
    lists no model_data output; the contract cites another page for it."""
    assert "num_imagesintegeroptionalAny" in (MODEL_PAGES_FIXTURES / "flux-2-klein-9b.docs.txt").read_text()
    code, findings = drift(
        tmp_path,
        capsys,
        MODEL_PAGES["flux-2-klein-4b-edit.docs.txt"],
        (MODEL_PAGES_FIXTURES / "flux-2-klein-4b-edit.docs.txt").read_text(),
    )
    assert (code, findings) == (0, [])


def test_a_disagreement_the_ledger_records_is_reported_as_known(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ledger entry guidance-scale-4b cites the 4B docs page: a page typing guidance_scale differently is
    the known disagreement, info and not breaking."""
    text = edited(
        "flux-2-klein-4b.docs.txt",
        "| sync_mode |",
        "| guidance_scale | number | optional | Any | x |\n| sync_mode |",
    )
    text = text.replace("| guidance_scale | number |", "| guidance_scale | string |")
    code, findings = drift(tmp_path, capsys, "black-forest-labs/flux-2-klein-4b", text)
    assert code == 0
    assert [(f["rule"], f["severity"], f["ledger"]) for f in findings] == [
        ("request-property-type-changed", "info", "guidance-scale-4b")
    ]


def test_a_synthetic_catalog_declaration_is_compared_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Synthetic: the catalog's response shape is the one the issue describes; none has been recorded."""
    inputs = [
        {"name": "prompt", "variable_type_code": "string", "is_required": True},
        {
            "name": "num_images",
            "variable_type_code": "integer",
            "is_required": False,
            "default_value": 1,
            "validator_attrs": {"min_value": 1, "max_value": 2},
        },
        {
            "name": "output_format",
            "variable_type_code": "string",
            "validator_attrs": {"choices": ["jpeg", "png", "webp"]},
        },
    ]
    doc = {"data": {"owner": "black-forest-labs", "slug": "flux-2-klein-9b", "inputs": inputs}}
    code, findings = drift(tmp_path, capsys, "flux-2-klein-9b", json.dumps(doc))
    assert code == 1
    assert [(f["rule"], f["field"]) for f in findings] == [
        ("request-property-max-decreased", "input.num_images")
    ]


@pytest.mark.parametrize(
    ("model", "text", "message"),
    [
        (
            "flux-2-klein-4b/edit",
            (MODEL_PAGES_FIXTURES / "flux-2-klein-4b-edit.marketing.txt").read_text(),
            "not a model page",
        ),
        ("flux-2-klein-4b/edit", "", "not a model page"),
        (
            "flux-2-klein-4b/edit",
            "## Input Schema\n### `prompt` (string required)\n",
            "cannot read the Input Schema entry",
        ),
        ("flux-2-klein-4b/edit", "Input schema\n\nnothing here\n", "the 'Input schema' table has no rows"),
        ("flux-2-klein-4b", '{"inputs": [{"type": "string"}]}', "needs a string 'name'"),
        (
            "flux-2-klein-9b",
            (MODEL_PAGES_FIXTURES / "flux-2-klein-4b.llms.txt").read_text(),
            "documents black-forest-labs/flux-2-klein-4b, not black-forest-labs/flux-2-klein-9b",
        ),
        (
            "flux-2-klein-13b",
            (MODEL_PAGES_FIXTURES / "flux-2-klein-4b.llms.txt").read_text(),
            "unknown model",
        ),
    ],
)
def test_an_unreadable_page_or_unknown_model_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], model: str, text: str, message: str
) -> None:
    page = tmp_path / "page.txt"
    page.write_text(text)
    code = cli.main(["--model", model, "--page", str(page)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith("error: ")
    assert message in captured.err
    assert len(captured.err.strip().splitlines()) == 1


def test_pages_are_fetched_bounded_by_url(tmp_path: Path) -> None:
    page = tmp_path / "flux-2-klein-9b.docs.txt"
    page.write_bytes((MODEL_PAGES_FIXTURES / "flux-2-klein-9b.docs.txt").read_bytes())
    assert pages.fetch_text(page.as_uri()).startswith("Skip to main content")
    with pytest.raises(SpecError, match="larger than 100 bytes"):
        pages.fetch_text(page.as_uri(), max_bytes=100)
    page.write_bytes(b"\xff\xfe")
    with pytest.raises(PageError, match="not UTF-8"):
        pages.fetch_text(page.as_uri())


def test_the_markdown_report_names_each_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.txt"
    page.write_text(edited("flux-2-klein-4b.llms.txt", "- **Max**: 4 ", "- **Max**: 2 "))
    assert cli.main(["--model", "flux-2-klein-4b", "--page", str(page)]) == 1
    out = capsys.readouterr().out
    assert "| breaking | `request-property-max-decreased` | `input.num_images` |" in out
    assert "Page: https://www.runflow.io/api/models/black-forest-labs/flux-2-klein-4b/llms.txt (llms)" in out
