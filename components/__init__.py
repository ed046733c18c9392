"""The shared kit: layout pieces several pages use, the formatters, and the ids callbacks use
to reach them. Pieces of one page only live in ``components.views``."""
