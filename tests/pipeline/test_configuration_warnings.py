"""`init-db` and `load` warn, on stderr and without changing the exit code, when no loaded
grant names a home organisation or matches a P&C research rule of observatory.toml: the
received, awarded and P&C figures would otherwise read £0 with no word of why."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CliResult

HEADER = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,"
    "Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,Funding Org:Name,"
    "Grant Programme:Code\n"
)
ROWS = (
    "360G-cfg-1,Peer research,Housing,GBP,1500,2024-05-01,GB-CHC-1,Group,GB-LAE-XYZ,A Council,"
    "PCR-1\n"
    "360G-cfg-2,Youth club,Sport,GBP,900,2024-06-01,GB-CHC-2,Club,GB-LAE-XYZ,A Council,OTHER\n"
)
HOME = '[[home_organisations]]\norg_id = "GB-LAE-XYZ"\nname = "A Council"\nrole = "council"\n'
PC_RULE = '[pc_research]\nprogramme_codes = ["PCR-1"]\n'
NO_HOME = "names a home organisation"
NO_PC = "matches a P&C research rule"


def _files(tmp_path: Path, config: str) -> tuple[Path, Path]:
    grants = tmp_path / "grants.csv"
    grants.write_text(HEADER + ROWS, encoding="utf-8")
    toml = tmp_path / "observatory.toml"
    toml.write_text(config, encoding="utf-8")
    return grants, toml


def _warnings(result: CliResult) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Warning:")]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (PC_RULE, [NO_HOME]),
        (HOME, [NO_PC]),
        ("", [NO_HOME, NO_PC]),
        (HOME + PC_RULE, []),
    ],
    ids=["no-home", "no-pc-rule", "neither", "both"],
)
def test_load_warns_when_no_grant_matches_the_configuration(
    run_cli: object, sqlite_url: str, tmp_path: Path, config: str, expected: list[str]
) -> None:
    grants, toml = _files(tmp_path, config)
    result: CliResult = run_cli("load", str(grants), database_url=sqlite_url, config=toml)  # type: ignore[operator]
    assert result.returncode == 0, result.stderr
    warnings = _warnings(result)
    assert len(warnings) == len(expected), result.stderr
    for line, words in zip(warnings, expected, strict=True):
        assert words in line
        assert "None of the 2 grants loaded" in line
        assert str(toml) in line, "the warning names the configuration file"
    if NO_HOME in expected:
        assert "[[home_organisations]] org_id" in result.stderr
    if NO_PC in expected:
        assert "[pc_research]" in result.stderr and "programme_codes" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_db_warns_about_grants_already_loaded_and_a_fixed_config_reload_clears_it(
    run_cli: object, sqlite_url: str, tmp_path: Path
) -> None:
    grants, toml = _files(tmp_path, PC_RULE)
    run_cli("load", str(grants), database_url=sqlite_url, config=toml)  # type: ignore[operator]
    again: CliResult = run_cli("init-db", database_url=sqlite_url, config=toml)  # type: ignore[operator]
    assert again.returncode == 0
    assert "Schema is up to date" in again.stdout
    assert [NO_HOME in line for line in _warnings(again)] == [True]

    # The README's advice: set the org-ids, then load the files again.
    toml.write_text(HOME + PC_RULE, encoding="utf-8")
    reloaded: CliResult = run_cli("load", str(grants), database_url=sqlite_url, config=toml)  # type: ignore[operator]
    assert reloaded.returncode == 0
    assert _warnings(reloaded) == []
    fixed: CliResult = run_cli("init-db", database_url=sqlite_url, config=toml)  # type: ignore[operator]
    assert _warnings(fixed) == []


def test_an_empty_warehouse_gets_no_warning(
    run_cli: object, sqlite_url: str, tmp_path: Path
) -> None:
    _, toml = _files(tmp_path, "")
    result: CliResult = run_cli("init-db", database_url=sqlite_url, config=toml)  # type: ignore[operator]
    assert result.returncode == 0 and _warnings(result) == []
