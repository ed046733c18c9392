"""The warehouse: one schema, one engine factory, and read-only query functions."""

import pandas as pd

# pandas' own strings stay Python objects: with pyarrow installed (for the 360Giving reader's
# Arrow path) pandas 3 would otherwise back every string column with Arrow, which changes
# what ``.str.split`` and others return everywhere else. Arrow columns are asked for by name.
pd.set_option("mode.string_storage", "python")
