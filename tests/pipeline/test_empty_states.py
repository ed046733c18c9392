"""Empty views say why (issue 18.8): nothing loaded yet, every row of a kind rejected (with
counts, never the rows), loaded but none shown (unpublished, no consent, no home organisation
or P&C rule matched), or the filters; only that last one says "Clear a filter". On SQLite and
on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_pipeline.config import Config, HomeOrganisation
from data_pipeline.load import load_file
from warehouse.queries import empty_states
from warehouse.queries.charts import CHART_QUERIES, EMPTY_MESSAGES
from warehouse.queries.empty_states import (
    DECISIONS,
    GRANTS,
    PC_GRANTS,
    PROJECTS,
    RESEARCHERS,
    EmptyReason,
    grant_configuration,
    why_empty,
)
from warehouse.queries.filters import Filters

HEADER = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,"
    "Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,Funding Org:Name,"
    "Grant Programme:Code\n"
)
GOOD_ROWS = (
    "360G-es-1,Peer research,Housing,GBP,1500,2024-05-01,GB-CHC-1,Group,GB-LAE-XYZ,A Council,"
    "PCR-1\n"
    "360G-es-2,Youth club,Sport,GBP,900,2023-06-01,GB-CHC-2,Club,GB-LAE-XYZ,A Council,OTHER\n"
)
# No amount and no award date: a grant the warehouse cannot hold.
BAD_ROWS = (
    "360G-bad-1,No money,Housing,GBP,,,GB-CHC-1,Group,GB-LAE-XYZ,A Council,PCR-1\n"
    "360G-bad-2,No money,Housing,GBP,,,GB-CHC-2,Club,GB-LAE-XYZ,A Council,PCR-1\n"
)
HOME = (HomeOrganisation("GB-LAE-XYZ", "A Council", "council"),)
CONFIGURED = Config(home_organisations=HOME, pc_research_programme_codes=frozenset({"PCR-1"}))
FILTERED = Filters(fy_from="2030/31")


def _load(engine: Engine, path: Path, config: Config = CONFIGURED) -> None:
    load_file(engine, path, config)


def _grants(folder: Path, name: str, rows: str) -> Path:
    path = folder / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _says_not_loaded(reason: str) -> None:
    assert isinstance(reason, EmptyReason)
    assert "are loaded yet" in reason and reason.link == "Sources and quality", reason
    assert reason.link in reason and reason.href == "/data"
    assert not reason.filtered and "Clear a filter" not in reason


def test_every_chart_has_a_reason_of_its_own() -> None:
    assert set(EMPTY_MESSAGES) == set(CHART_QUERIES)


def test_an_empty_warehouse_says_nothing_is_loaded_yet_even_under_filters(
    engine: Engine,
) -> None:
    for chart_id, message in EMPTY_MESSAGES.items():
        if chart_id.startswith("spend-"):
            continue  # the spend page's own sentences (tests/pipeline/test_spend_queries.py)
        for filters in (Filters(), FILTERED):
            assert CHART_QUERIES[chart_id](engine, filters).empty, chart_id
            _says_not_loaded(message(engine, filters))
    reason = why_empty(engine, GRANTS, Filters(funder=("GB-LAE-XYZ",)))
    assert reason == (
        "No grants are loaded yet: load a 360Giving file of grants on the Sources and quality page."
    )
    for kind in (PROJECTS, DECISIONS, RESEARCHERS, empty_states.COMMISSIONS):
        _says_not_loaded(why_empty(engine, kind, FILTERED))


def test_every_grant_rejected_says_how_many_files_and_rows_and_where_to_look(
    engine: Engine, tmp_path: Path
) -> None:
    _load(engine, _grants(tmp_path, "first.csv", BAD_ROWS))
    _load(engine, _grants(tmp_path, "second.csv", BAD_ROWS.replace("bad-", "worse-")))
    _load(engine, _grants(tmp_path, "second.csv", BAD_ROWS.replace("bad-", "worse-")))
    expected = "Every grant in 2 files (4 rows) was rejected: see Sources and quality for why."
    for filters in (Filters(), FILTERED):
        reason = EMPTY_MESSAGES["funding-by-year"](engine, filters)
        assert reason == expected
        assert isinstance(reason, EmptyReason) and reason.link == "Sources and quality"
        assert not reason.filtered
    assert why_empty(engine, GRANTS, Filters()) == expected
    assert why_empty(engine, PC_GRANTS, Filters()) == expected
    # Other kinds are still simply not loaded.
    _says_not_loaded(why_empty(engine, PROJECTS, Filters()))


def test_filters_that_exclude_everything_are_the_only_reason_to_clear_a_filter(
    engine: Engine, tmp_path: Path
) -> None:
    _load(engine, _grants(tmp_path, "grants.csv", GOOD_ROWS))
    assert not CHART_QUERIES["funding-by-year"](engine, Filters()).empty
    assert CHART_QUERIES["funding-by-year"](engine, FILTERED).empty
    reason = EMPTY_MESSAGES["funding-by-year"](engine, FILTERED)
    assert reason == "No grants match these filters. Clear a filter to see more."
    assert isinstance(reason, EmptyReason) and reason.filtered
    # Loaded, unfiltered, but none of what the chart counts: its own sentence.
    assert CHART_QUERIES["funding-pooled"](engine, Filters()).empty
    pooled = EMPTY_MESSAGES["funding-pooled"](engine, Filters())
    assert "pooled fund" in pooled and "Clear a filter" not in pooled
    # A view choice (the gap map's axis) is not a filter.
    assert not empty_states.is_filtered(Filters(axis="population"))


def test_grants_that_name_no_home_organisation_say_to_set_the_org_ids(
    engine: Engine, tmp_path: Path
) -> None:
    unconfigured = Config(pc_research_programme_codes=frozenset({"PCR-1"}))
    _load(engine, _grants(tmp_path, "grants.csv", GOOD_ROWS), unconfigured)
    counts = grant_configuration(engine)
    assert (counts.grants, counts.with_home, counts.pc_research) == (2, 0, 1)
    reason = why_empty(engine, PC_GRANTS, Filters())
    assert reason.startswith(
        "None of the 2 grants loaded names a home organisation in observatory.toml: set your "
        "council's and NHS bodies' org-ids there"
    )
    assert "Clear a filter" not in reason
    assert EMPTY_MESSAGES["gaps-funding-by-decile"](engine, Filters()) == reason
    # The funding page shows every grant; asking it for received ones gives the same reason.
    assert why_empty(engine, GRANTS, Filters(direction=("received",))) == reason
    assert counts.warnings("/etc/observatory.toml")[0].startswith(
        "None of the 2 grants loaded names a home organisation in /etc/observatory.toml"
    )


def test_grants_that_match_no_pc_rule_say_to_list_the_codes(engine: Engine, tmp_path: Path) -> None:
    _load(engine, _grants(tmp_path, "grants.csv", GOOD_ROWS), Config(home_organisations=HOME))
    counts = grant_configuration(engine)
    assert (counts.grants, counts.with_home, counts.pc_research) == (2, 2, 0)
    assert counts.no_home_message() is None
    reason = why_empty(engine, PC_GRANTS, Filters())
    assert reason.startswith("None of the 2 grants loaded matches a P&C research rule")
    assert "[pc_research]" in reason and "programme_codes" in reason
    assert [w.split(" rule")[0] for w in counts.warnings()] == [
        "None of the 2 grants loaded matches a P&C research"
    ]


def test_grants_matching_the_configuration_give_no_warning(engine: Engine, tmp_path: Path) -> None:
    _load(engine, _grants(tmp_path, "grants.csv", GOOD_ROWS))
    counts = grant_configuration(engine)
    assert (counts.grants, counts.with_home, counts.pc_research, counts.pc_with_home) == (
        2,
        2,
        1,
        1,
    )
    assert counts.warnings() == [] and counts.empty_reason(pc_only=True) is None
    assert empty_states.home_organisations_found(engine) == [("A Council", "GB-LAE-XYZ", "council")]


def test_registers_loaded_but_nothing_public_say_so(engine: Engine, tmp_path: Path) -> None:
    projects = tmp_path / "projects.csv"
    projects.write_text(
        "project_id,title,status,published,topics\n"
        "P-01,Food and the cost of living,ongoing,no,Food insecurity\n"
        "P-02,Housing damp,ongoing,no,Housing\n",
        encoding="utf-8",
    )
    researchers = tmp_path / "researchers.csv"
    researchers.write_text(
        "researcher_id,display_name,skills,consent\nRES-01,Amina K.,interviewing,hidden\n",
        encoding="utf-8",
    )
    _load(engine, projects)
    _load(engine, researchers)
    for filters in (Filters(), FILTERED):
        reason = why_empty(engine, PROJECTS, filters)
        assert reason.startswith("2 research projects are loaded, but none is published yet")
        assert "Clear a filter" not in reason
        assert EMPTY_MESSAGES["research-projects-by-year"](engine, filters) == reason
    reason = why_empty(engine, RESEARCHERS, Filters(skill=("surveys",)))
    assert reason.startswith("1 researcher is loaded, but none has consented")
    assert "consent" in reason and "Clear a filter" not in reason


@pytest.mark.parametrize("chart_id", ["spend-by-year", "spend-by-service"])
def test_spend_files_all_rejected_say_so_on_the_spend_charts(
    engine: Engine, tmp_path: Path, chart_id: str
) -> None:
    spend = tmp_path / "spend-2024-06.csv"
    spend.write_text(
        "Body Name,Date,Transaction Number,Amount,Supplier Name,Service Area\n"
        "A Council,2024-06-01,T1,,Elm Ltd,Housing\n"
        "A Council,2024-06-02,T2,,Oak Ltd,Housing\n",
        encoding="utf-8",
    )
    _load(engine, spend)
    reason = EMPTY_MESSAGES[chart_id](engine, Filters())
    assert reason.startswith("Every spend transaction in 1 file"), reason
    assert "Clear a filter" not in reason
