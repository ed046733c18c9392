"""The ETL pipeline: extract -> validate -> transform (pure) -> load (upsert, one transaction)."""
