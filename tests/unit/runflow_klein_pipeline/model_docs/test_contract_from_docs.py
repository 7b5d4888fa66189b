"""A contract drafted from a model's pages: sourced well enough for ``load_contracts``, and the same as the
committed contract on every fact the pages state, except where the contradiction ledger says why."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from runflow_klein_pipeline.documents import Json, SpecError
from runflow_klein_pipeline.layout import CONTRACTS_DIR, LEDGER, MODEL_PAGES_FIXTURES
from runflow_klein_pipeline.model_docs import draft, pages
from runflow_klein_pipeline.model_docs.compare import contract_declaration
from runflow_klein_pipeline.spec.compose import SHARED_CONTRACT, Contract, load_contracts

DEFINITIONS, CONTRACTS = load_contracts(CONTRACTS_DIR)
FIELD_FACTS = ("type", "required", "allowed", "minimum", "maximum", "default")
# Where a drafted fact differs from the committed one, and the ledger entry that says why; a difference
# not listed here fails the test, and so does an entry here that no longer differs.
LEDGER_EXCEPTIONS = {
    ("black-forest-labs/flux-2-klein-4b", "pricing.usd"): "klein-4b-price",
}


@pytest.fixture(autouse=True)
def _no_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drafts read the pages given; never the catalog (that needs a key and the network)."""
    monkeypatch.delenv(pages.KEY_ENV, raising=False)


def page_args(contract: Contract) -> list[str]:
    return [
        arg
        for page in pages.contract_pages(contract)
        for arg in ("--page", str(MODEL_PAGES_FIXTURES / page.file_name))
    ]


def drafted(contract: Contract, capsys: pytest.CaptureFixture[str]) -> Json:
    assert draft.main([contract.model_id, *page_args(contract)]) == 0
    doc: Json = json.loads(capsys.readouterr().out)
    return doc


def differences(mine: Contract, theirs: Contract) -> set[str]:
    """Every fact ``mine`` states (the pages state) that ``theirs`` states differently."""
    found = set()
    if mine.doc["title"] != theirs.doc["title"] and not mine.doc["x-source"]["title"].startswith("inferred"):
        found.add("title")
    for key in ("usd", "unit"):
        if "pricing" in mine.doc and mine.doc["pricing"][key] != theirs.doc["pricing"][key]:
            found.add(f"pricing.{key}")
    for kind, endpoint in mine.endpoints():
        if endpoint["path"] != theirs.doc[kind]["path"]:
            found.add(f"{kind}.path")
        ours, committed = (contract_declaration(c, DEFINITIONS, kind=kind) for c in (mine, theirs))
        for field in ours.inputs:
            other = committed.input(field.name)
            if other is None:
                found.add(f"{kind}.input.{field.name}")
                continue
            for fact in FIELD_FACTS:
                stated = field.has_default if fact == "default" else getattr(field, fact) is not None
                if stated and getattr(field, fact) != getattr(other, fact):
                    found.add(f"{kind}.input.{field.name}.{fact}")
        listed = {field.name: field for field in committed.outputs or ()}
        for field in ours.outputs or ():
            if field.name not in listed or (field.type and field.type != listed[field.name].type):
                found.add(f"{kind}.output.{field.name}")
    return found


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.model_id)
def test_a_draft_from_the_recorded_pages_matches_the_committed_contract(
    contract: Contract, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = drafted(contract, capsys)
    path = tmp_path / contract.path.name
    path.write_text(json.dumps(doc))
    expected = {fact for (model, fact) in LEDGER_EXCEPTIONS if model == contract.model_id}
    assert differences(Contract(path, doc), contract) == expected


def test_every_exception_names_a_ledger_entry_about_that_model() -> None:
    entries = {entry["id"]: json.dumps(entry) for entry in yaml.safe_load(LEDGER.read_text())["entries"]}
    for (model, _), entry in LEDGER_EXCEPTIONS.items():
        assert model.split("/", 1)[1] in entries[entry], entry


def test_a_draft_passes_the_provenance_check_and_says_what_it_inferred(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    shutil.copy(CONTRACTS_DIR / SHARED_CONTRACT, contracts)
    for contract in CONTRACTS:
        out = contracts / contract.path.name
        assert draft.main([contract.model_id, *page_args(contract), "--out", str(out)]) == 0
    _, loaded = load_contracts(contracts)
    assert [c.model_id for c in loaded] == [c.model_id for c in CONTRACTS]
    edit = json.loads((contracts / "flux-2-klein-4b-edit.json").read_text())
    assert edit["schema_prefix"] == "Flux2Klein4bEdit"
    assert edit["run"]["operationId"] == "create_flux_2_klein_4b_edit_run"
    assert edit["x-source"]["schema_prefix"].startswith("inferred: ")
    assert edit["run"]["x-source"]["operationId"].startswith("inferred: ")


def test_an_unsourced_fact_in_a_draft_would_fail_the_check(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The check above can fail: drop one x-source entry of a draft and it does."""
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    shutil.copy(CONTRACTS_DIR / SHARED_CONTRACT, contracts)
    doc = drafted(CONTRACTS[0], capsys)
    del doc["run"]["input"]["properties"]["prompt"]["x-source"]["type"]
    (contracts / "draft.json").write_text(json.dumps(doc))
    with pytest.raises(SpecError, match="fact 'type' has no x-source"):
        load_contracts(contracts)


def test_a_draft_never_overwrites_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "draft.json"
    out.write_text("kept")
    assert draft.main([CONTRACTS[0].model_id, *page_args(CONTRACTS[0]), "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert out.read_text() == "kept"


@pytest.mark.parametrize(
    ("pages_given", "message"),
    [
        (["flux-2-klein-9b-edit.llms.txt"], "add --page https://docs.runflow.io/models/black-forest-labs"),
        (["flux-2-klein-9b-edit.docs.txt", "flux-2-klein-9b-edit.docs.txt"], "two docs pages given"),
        (["flux-2-klein-4b-edit.marketing.txt"], "not a model page"),
    ],
)
def test_a_draft_that_cannot_be_made_is_one_error_line(
    capsys: pytest.CaptureFixture[str], pages_given: list[str], message: str
) -> None:
    args: list[Any] = [arg for name in pages_given for arg in ("--page", str(MODEL_PAGES_FIXTURES / name))]
    assert draft.main(["black-forest-labs/flux-2-klein-9b/edit", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ")
    assert message in captured.err
    assert len(captured.err.strip().splitlines()) == 1


def test_a_catalog_declaration_fills_what_the_page_is_silent_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Synthetic catalog response (none recorded): the 9B docs page says "Any" for num_images."""
    catalog = tmp_path / "catalog.json"
    inputs = [
        {"name": "num_images", "variable_type_code": "integer", "validator_attrs": {"min": 1, "max": 4}}
    ]
    catalog.write_text(json.dumps({"inputs": inputs}))
    page = MODEL_PAGES_FIXTURES / "flux-2-klein-9b.docs.txt"
    assert draft.main(["black-forest-labs/flux-2-klein-9b", "--page", str(page), "--page", str(catalog)]) == 0
    num_images = json.loads(capsys.readouterr().out)["run"]["input"]["properties"]["num_images"]
    assert (num_images["minimum"], num_images["maximum"]) == (1, 4)
    assert (
        num_images["x-source"]["maximum"]
        == "https://api.runflow.io/v1/models/black-forest-labs/flux-2-klein-9b"
    )
    assert (
        num_images["x-source"]["type"] == "https://docs.runflow.io/models/black-forest-labs/flux-2-klein-9b"
    )
