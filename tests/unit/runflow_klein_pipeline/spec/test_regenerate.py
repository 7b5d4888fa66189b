"""scripts/regenerate.py with the real generator (a few seconds per test, so only four tests).

``--check`` is the CI gate that keeps generated/ in step with openapi/; a failed generation must
leave the existing client exactly as it was.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from runflow_klein_pipeline.documents import dump_json, sha256_bytes
from runflow_klein_pipeline.layout import GENERATED_DIR, UPSTREAM_SPEC
from runflow_klein_pipeline.spec import regenerate

from .support import run_script, tree_digest

CLIENT_PACKAGE = Path(regenerate.CLIENT_DIR_NAME) / "runflow_klein_client"


def copy_generated(tmp_path: Path) -> Path:
    target = tmp_path / "generated"
    shutil.copytree(GENERATED_DIR, target, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return target


def test_check_passes_on_the_committed_tree(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_script(regenerate.main, ["--check"], capsys)

    assert result.code == 0, result.stdout + result.stderr
    assert "generated/ and the composed spec are up to date" in result.stdout


def test_check_names_an_edited_and_an_extra_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generated = copy_generated(tmp_path)
    with (generated / CLIENT_PACKAGE / "client.py").open("a") as handle:
        handle.write("# a hand edit\n")
    (generated / CLIENT_PACKAGE / "extra.py").write_text('"""Not written by the generator."""\n')
    (generated / "NOTES.md").write_text("a stray file beside the client\n")

    result = run_script(regenerate.main, ["--check", "--generated", str(generated)], capsys)

    assert result.code == 1
    assert f"+++ regenerated/{CLIENT_PACKAGE / 'client.py'}" in result.stdout
    assert "-# a hand edit" in result.stdout
    assert f"only in the committed tree: {CLIENT_PACKAGE / 'extra.py'}" in result.stdout
    assert "only in the committed tree: NOTES.md" in result.stdout
    assert "regenerating changes the committed tree" in result.stderr


def test_regenerating_removes_stray_files_and_restores_the_committed_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generated = copy_generated(tmp_path)
    expected = tree_digest(generated)
    (generated / "NOTES.md").write_text("a stray file beside the client\n")
    (generated / "scratch").mkdir()
    (generated / "scratch" / "x.py").write_text("x = 1\n")
    argv = ["--generated", str(generated), "--composed", str(tmp_path / "composed.json")]

    result = run_script(regenerate.main, argv, capsys)

    assert result.code == 0, result.stdout + result.stderr
    assert f"removed {generated / 'NOTES.md'} (not written by regeneration)" in result.stdout
    assert f"removed {generated / 'scratch'} (not written by regeneration)" in result.stdout
    assert tree_digest(generated) == expected


def test_a_failing_generator_leaves_the_client_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """openapi-python-client cannot follow a $ref into another schema's property; with
    --fail-on-warning that is a failed generation, although the spec itself is valid OpenAPI."""
    upstream = json.loads(UPSTREAM_SPEC.read_bytes())
    upstream["components"]["schemas"]["Run"]["properties"]["alias"] = {
        "$ref": "#/components/schemas/Run/properties/id"
    }
    upstream_path = tmp_path / "upstream.json"
    upstream_path.write_bytes(dump_json(upstream))
    generated = copy_generated(tmp_path)
    before = tree_digest(generated)
    argv = [
        "--upstream",
        str(upstream_path),
        "--generated",
        str(generated),
        "--composed",
        str(tmp_path / "composed.json"),
    ]

    result = run_script(regenerate.main, argv, capsys)

    assert result.code == 1
    assert result.stderr.startswith("error: openapi-python-client failed (exit 1):")
    assert "Could not find reference" in result.stderr
    assert tree_digest(generated) == before
    # The composed spec is written only together with the client it was generated into.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["generated", "upstream.json"]


def _regenerate_with(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, schema: dict[str, object]
) -> str:
    """Regenerate a copy of the committed tree from an upstream with ``schema`` as Run; its changelog."""
    upstream = json.loads(UPSTREAM_SPEC.read_bytes())
    upstream["components"]["schemas"]["Run"] = schema
    upstream_path = tmp_path / f"{name}.json"
    upstream_path.write_bytes(dump_json(upstream))
    generated = shutil.copytree(GENERATED_DIR, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    argv = [
        "--upstream",
        str(upstream_path),
        "--generated",
        str(generated),
        "--composed",
        str(tmp_path / "c.json"),
    ]

    result = run_script(regenerate.main, argv, capsys)

    assert result.code == 0, result.stdout + result.stderr
    provenance = json.loads((generated / regenerate.PROVENANCE_NAME).read_text())
    pyproject = (generated / regenerate.CLIENT_DIR_NAME / "pyproject.toml").read_text()
    init = (generated / CLIENT_PACKAGE / "__init__.py").read_text()
    version = str(provenance["client_version"])
    assert f'version = "{version}"' in pyproject
    assert f'__version__ = "{version}"' in init
    notes = (generated / regenerate.CLIENT_DIR_NAME / regenerate.CHANGELOG_NAME).read_text()
    committed_notes = (GENERATED_DIR / regenerate.CLIENT_DIR_NAME / regenerate.CHANGELOG_NAME).read_text()
    assert notes.startswith(committed_notes.split("\n## ", 1)[0])
    assert notes.endswith(committed_notes.split("\n## ", 1)[1]), "earlier entries must be kept"
    assert f"## [{version}]" in notes
    assert f"sha256 `{sha256_bytes(upstream_path.read_bytes())}`" in notes
    return notes


def test_a_breaking_change_bumps_more_than_an_additive_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    committed = json.loads((GENERATED_DIR / regenerate.PROVENANCE_NAME).read_text())["client_version"]
    run = json.loads(UPSTREAM_SPEC.read_bytes())["components"]["schemas"]["Run"]
    added = {**run, "properties": {**run["properties"], "priority": {"type": "integer"}}}
    removed = {**run, "properties": {k: v for k, v in run["properties"].items() if k != "jurisdiction_code"}}

    additive = _regenerate_with(tmp_path, capsys, "additive", added)
    breaking = _regenerate_with(tmp_path, capsys, "breaking", removed)

    major, minor, patch = (int(part) for part in committed.split(".post")[0].split("."))
    assert f"## [{major}.{minor}.{patch + 1}]" in additive
    assert "### Added" in additive
    assert ".models.Run.priority`: field `priority` added" in additive
    assert f"## [{major}.{minor + 1}.0]" in breaking
    assert ".models.Run.jurisdiction_code`: field `jurisdiction_code` removed" in breaking
