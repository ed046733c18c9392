"""The warehouse: one schema, one engine factory, and read-only query functions."""
