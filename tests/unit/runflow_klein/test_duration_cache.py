"""The CLI's duration cache: XDG_CACHE_HOME honoured, bad files ignored, concurrent saves merged."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from runflow_klein import RunDurations
from runflow_klein.duration_cache import default_path, load_durations, save_durations


def test_the_cache_lives_under_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_path() == tmp_path / "runflow-klein" / "durations.json"


def test_what_one_process_learned_the_next_one_knows(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "durations.json"
    first = load_durations(path)
    first.record("m", 2.0)
    first.record("m", 2.2)
    save_durations(path, first)
    assert load_durations(path).samples() == {"m": [2.0, 2.2]}
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


@pytest.mark.parametrize(
    "content",
    ["", "{not json", "[]", '{"format": 99, "models": {"m": [1.0]}}', '{"format": 1, "models": {"m": "x"}}'],
)
def test_a_corrupt_or_foreign_file_means_nothing_learned(tmp_path: Path, content: str) -> None:
    path = tmp_path / "durations.json"
    path.write_text(content)
    durations = load_durations(path)
    assert durations.samples() == {}
    durations.record("m", 1.0)
    save_durations(path, durations)  # and it is replaced by a good one
    assert load_durations(path).samples() == {"m": [1.0]}


def test_bad_samples_in_a_good_file_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "durations.json"
    path.write_text(json.dumps({"format": 1, "models": {"m": [1.5, -1, "x", None, 1e9]}}))
    assert load_durations(path).samples() == {"m": [1.5]}


def test_saves_merge_with_what_another_process_saved_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "durations.json"
    one, other = load_durations(path), load_durations(path)  # both started before either saved
    one.record("a", 1.0)
    other.record("b", 2.0)
    save_durations(path, one)
    save_durations(path, other)
    assert load_durations(path).samples() == {"a": [1.0], "b": [2.0]}


def test_concurrent_saves_always_leave_a_readable_file(tmp_path: Path) -> None:
    path = tmp_path / "durations.json"

    def learn_and_save(index: int) -> None:
        durations = load_durations(path)
        durations.record("m", 1.0 + index)
        save_durations(path, durations)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(learn_and_save, range(32)))
    samples = load_durations(path).samples()["m"]
    assert 1 <= len(samples) <= 8  # a race may lose a sample, never the file


def test_an_unwritable_cache_is_ignored(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    durations = RunDurations()
    durations.record("m", 1.0)
    save_durations(blocker / "durations.json", durations)  # its parent is a file: nothing to do
