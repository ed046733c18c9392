"""The one way query modules turn a SQLAlchemy statement into a DataFrame."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, Executable


def read_frame(statement: Executable, engine: Engine) -> pd.DataFrame:
    """The rows of ``statement`` as a DataFrame, read on a connection of its own."""
    with engine.connect() as conn:
        return pd.read_sql(statement, conn)  # type: ignore[call-overload,no-any-return]
