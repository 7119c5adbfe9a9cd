"""`sunshine roster import|export` on a temporary SQLite database, through the root command."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.registry import service
from tests.factories import make_community
from tests.registry.fixtures.rosters import BAD_ROWS
from tests.registry.fixtures.rosters import GOOD_ROWS
from tests.registry.fixtures.rosters import csv_text
from tests.registry.fixtures.rosters import table_counts

runner = CliRunner(env={"COLUMNS": "160"})  # wide enough that no table cell wraps


@pytest.fixture
def cli_engine(cli_database: Engine) -> Engine:
    """The CLI's database with one community, `jc`, that the commands open and commit to."""
    with Session(cli_database) as session:
        make_community(session, code="jc", name="荆川测试园")
        session.commit()
    return cli_database


def _counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return table_counts(session)


def _write(tmp_path: Path, rows: list[str], *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "花名册.csv"
    path.write_bytes(csv_text(rows).encode(encoding))
    return path


def test_a_dry_run_prints_what_would_change_and_writes_nothing(
    cli_engine: Engine, tmp_path: Path
) -> None:
    before = _counts(cli_engine)

    result = runner.invoke(
        app,
        ["roster", "import", str(_write(tmp_path, GOOD_ROWS)), "--community", "jc", "--dry-run"],
    )

    assert result.exit_code == 0, result.output
    assert "试运行：导入 6 行将带来的变更（未写入任何数据）" in result.output
    assert "│ 房屋 " in result.output
    assert _counts(cli_engine) == before


def test_an_import_commits_once_and_a_second_import_changes_nothing(
    cli_engine: Engine, tmp_path: Path
) -> None:
    path = _write(tmp_path, GOOD_ROWS, encoding="gbk")

    first = runner.invoke(app, ["roster", "import", str(path), "--community", "jc"])
    second = runner.invoke(
        app, ["roster", "import", str(path), "--community", "jc", "--lang", "en"]
    )

    assert first.exit_code == 0, first.output
    assert "已导入 6 行，变更如下" in first.output
    assert _counts(cli_engine) == {
        "building": 2, "unit": 4, "party": 5, "ownership": 3, "residency": 3, "vehicle": 3,
    }  # fmt: skip
    assert second.exit_code == 0, second.output
    lines = second.output.splitlines()
    assert "Imported 6 rows: what changed" in second.output
    assert [line for line in lines if line.startswith("│")] == [
        "│ Buildings  │   0 │       0 │",
        "│ Units      │   0 │       0 │",
        "│ People     │   0 │       0 │",
        "│ Ownerships │   0 │       0 │",
        "│ Residents  │   0 │       0 │",
        "│ Vehicles   │   0 │       0 │",
    ]


def test_a_bad_file_lists_every_bad_row_exits_2_and_writes_nothing(
    cli_engine: Engine, tmp_path: Path
) -> None:
    before = _counts(cli_engine)
    path = _write(tmp_path, BAD_ROWS)

    for extra in ([], ["--dry-run"]):
        result = runner.invoke(
            app, ["roster", "import", str(path), "--community", "jc", "--lang", "en", *extra]
        )

        assert result.exit_code == 2, result.output
        assert "7 problems: fix these rows and import again." in result.output
        for line, code in [(3, "plate_letter_io"), (4, "area_decimals"), (5, "unit_number"),
                           (6, "phone"), (7, "name_missing"), (8, "share_total"), (9, "share_total")]:  # fmt: skip
            assert any(
                row.startswith(f"│ {line} ") and code in row for row in result.output.splitlines()
            )
    assert _counts(cli_engine) == before


def test_problems_are_printed_in_chinese_by_default(cli_engine: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path, ["1,1-1-106,80.00,,,,,13212345678,业主,,,,"])

    result = runner.invoke(app, ["roster", "import", str(path), "--community", "jc"])

    assert result.exit_code == 2
    assert "花名册未导入，未写入任何数据" in result.output
    assert "缺少姓名" in result.output


def test_an_unknown_community_exits_2(cli_engine: Engine, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["roster", "import", str(_write(tmp_path, GOOD_ROWS)), "--community", "nowhere"]
    )

    assert (result.exit_code, result.output) == (2, "没有代码为 nowhere 的小区。\n")


def test_export_writes_the_format_the_file_name_asks_for(
    cli_engine: Engine, tmp_path: Path
) -> None:
    runner.invoke(app, ["roster", "import", str(_write(tmp_path, GOOD_ROWS)), "--community", "jc"])
    csv_out, xlsx_out = tmp_path / "out.csv", tmp_path / "out.xlsx"

    as_csv = runner.invoke(app, ["roster", "export", "--community", "jc", "--out", str(csv_out)])
    as_xlsx = runner.invoke(app, ["roster", "export", "--community", "jc", "--out", str(xlsx_out)])

    assert as_csv.exit_code == 0, as_csv.output
    assert as_xlsx.exit_code == 0, as_xlsx.output
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf\xe6\xa5\xbc\xe6\xa0\x8b,")  # BOM, 楼栋
    assert xlsx_out.read_bytes().startswith(b"PK\x03\x04")
    with Session(cli_engine) as session:
        community = service.get_community(session, "jc")
        assert len(service.list_units(session, community.id)) == 4
