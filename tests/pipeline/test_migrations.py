"""The Alembic migrations build exactly the schema that warehouse/schema.py defines."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from warehouse.schema import metadata


def test_migrations_match_the_metadata(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_every_column_has_a_comment(engine: Engine) -> None:
    undocumented = [
        f"{table.name}.{column.name}"
        for table in metadata.sorted_tables
        for column in table.columns
        if not column.comment
    ]
    assert undocumented == []
    assert set(inspect(engine).get_table_names()) >= {t.name for t in metadata.sorted_tables}


def test_money_columns_are_integer_pence_with_a_currency(engine: Engine) -> None:
    for table in metadata.sorted_tables:
        money = [c for c in table.columns if c.name.endswith("_pence")]
        for column in money:
            assert column.type.python_type is int, f"{table.name}.{column.name} is not integer"
        if money and not table.name.startswith("mart_"):
            assert "currency" in table.c, f"{table.name} has money without a currency column"
