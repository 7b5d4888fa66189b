"""seed_cassettes.py writes what is missing, never overwrites without --force, and --check detects drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from runflow_klein_pipeline.recordings import seed as seed_cassettes


def test_writes_missing_cassettes_and_keeps_edited_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = sorted(seed_cassettes.seed_table())
    assert seed_cassettes.main(["--dir", str(tmp_path)]) == 0
    assert sorted(path.stem for path in tmp_path.glob("*.yaml")) == names

    edited = tmp_path / "get_run.yaml"
    edited.write_text("# recorded live, keep me\n", encoding="utf-8")
    (tmp_path / "legacy_run_flux_2_klein_4b.yaml").unlink()
    capsys.readouterr()
    assert seed_cassettes.main(["--dir", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"wrote {tmp_path / 'legacy_run_flux_2_klein_4b.yaml'} (9 interactions)"]
    assert "kept" in err
    assert edited.read_text(encoding="utf-8") == "# recorded live, keep me\n"

    assert seed_cassettes.main(["--dir", str(tmp_path), "--check"]) == 1
    assert seed_cassettes.main(["--dir", str(tmp_path), "--force"]) == 0
    assert edited.read_text(encoding="utf-8") == seed_cassettes.render(seed_cassettes.seed_table()["get_run"])
    assert seed_cassettes.main(["--dir", str(tmp_path), "--check"]) == 0


def test_output_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert seed_cassettes.main(["--dir", str(first)]) == 0
    assert seed_cassettes.main(["--dir", str(second)]) == 0
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes()
