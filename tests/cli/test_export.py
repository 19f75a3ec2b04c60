"""``neurocheck export`` as an operator runs it: through the entry point, in a folder of their
own, against the seeded ward; bad input is one line on stderr and exit status 2."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from bot.cli import main as cli
from storage.db import Database
from tests.services.export_seed import T0, Seeded, seed
from tests.support.cli import run_cli
from tests.support.clock import FakeClock

DAY = ["--from", "2026-11-24", "--to", "24.11.2026"]


@pytest.fixture
def seeded(db: Database) -> Seeded:
    return seed(db, FakeClock(T0))


@pytest.fixture
def operator(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The operator's shell: the database and zone in the environment, a folder of their own."""
    folder = tmp_path / "operator"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("NEUROCHECK_DATABASE_URL", db.url)
    monkeypatch.setenv("NEUROCHECK_TIMEZONE", "Europe/Berlin")
    return folder


def neurocheck(*args: str) -> int:
    with pytest.raises(SystemExit) as ended:
        cli.main(list(args))
    return int(ended.value.code or 0)


def test_a_zipped_csv_export_holds_every_table_and_prints_the_summary(
    seeded: Seeded, operator: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert neurocheck("export", "--ward", "h7", *DAY, "--format", "csv", "--zip") == 0
    out = capsys.readouterr().out.splitlines()
    name = "neurocheck-H7-2026-11-24-2026-11-24-csv"
    assert out[0].startswith(f"written: {name}.zip (patients 2, checks 4, ")
    assert out[1].startswith("Quality summary: ward H7, 2026-11-24 to 2026-11-24")
    with zipfile.ZipFile(operator / f"{name}.zip") as archive:
        members = {Path(n).name for n in archive.namelist()}
    assert members == {
        "data_dictionary.csv",
        "summary.txt",
        *(f"{t}.csv" for t in ("patients", "checks", "check_answers", "grades", "events")),
        *(f"{t}.csv" for t in ("alerts", "alert_pages", "alert_decisions", "prompts")),
    }
    assert sorted(p.name for p in operator.iterdir()) == [f"{name}.zip"], "no folder left over"


def test_a_fhir_export_to_a_named_folder(
    seeded: Seeded, operator: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert neurocheck("export", "--ward", "H7", *DAY, "--format", "fhir", "--out", "ehr") == 0
    # 2 questionnaires, 2 bundles: patients, responses, ICANS and (in the window) CRS grades
    assert capsys.readouterr().out.startswith("written: ehr (bundles 2, resources 12)")
    assert len(list((operator / "ehr" / "bundles").glob("*.json"))) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ward", "H8", *DAY], "neurocheck: no ward H8: 'neurocheck ward list' shows the wards"),
        (
            ["--ward", "H7", "--from", "2026-11-25", "--to", "2026-11-24"],
            "neurocheck: the period ends (2026-11-24) before it starts (2026-11-25)",
        ),
        (
            ["--ward", "H7", *DAY, "--out", "."],
            "neurocheck: . already exists: an export never overwrites; choose another --out",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    seeded: Seeded,
    operator: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    assert neurocheck("export", *args, "--format", "csv") == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [message] and captured.out == ""


def test_an_unwritable_folder_is_one_line_and_exit_2(
    seeded: Seeded, operator: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (operator / "notes.txt").write_text("a file, not a folder", encoding="utf-8")
    target = operator / "notes.txt" / "export"
    assert neurocheck("export", "--ward", "H7", *DAY, "--format", "csv", "--out", str(target)) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("neurocheck: cannot write the export: ")


def test_the_summary_alone_from_the_installed_command(
    seeded: Seeded, db: Database, tmp_path: Path
) -> None:
    result = run_cli(
        "export",
        "--ward",
        "H7",
        *DAY,
        "--format",
        "summary",
        cwd=tmp_path,
        env={"NEUROCHECK_DATABASE_URL": db.url, "NEUROCHECK_TIMEZONE": "Europe/Berlin"},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Quality summary: ward H7, 2026-11-24 to 2026-11-24 (Europe/Berlin)"
    assert lines[2].startswith("checks due: 3; done on time: 1; late: 1; missed: 1")
