"""What the demo borough's community research is about: topics, population groups, methods.

Topics carry a ``east_bias``: how much more often they are studied in the deprived east than
the west (negative: more in the west). Two topics are never studied in the east at all, so the
evidence gap map has real holes where need is highest.
"""

from __future__ import annotations

# label, east_bias
TOPICS: tuple[tuple[str, float], ...] = (
    ("Mental health", 0.4),
    ("Loneliness and isolation", -0.2),
    ("Housing and health", 0.8),
    ("Food insecurity", 1.0),
    ("Cost of living", 0.9),
    ("Physical activity", -0.6),
    ("Air quality", -1.0),
    ("Access to GP services", 0.3),
    ("Substance use", 0.7),
    ("Youth violence", 0.8),
    ("Maternity care", 0.2),
    ("Digital inclusion", 0.1),
    ("Employment and skills", 0.6),
    ("Disability access", 0.0),
)

# Topics no project covers in the eastern third of the borough.
NOT_STUDIED_IN_THE_EAST = frozenset({"Air quality", "Physical activity"})

POPULATIONS: tuple[str, ...] = (
    "Older people",
    "Young people",
    "Unpaid carers",
    "Disabled people",
    "Refugees and asylum seekers",
    "LGBTQ+ residents",
    "Black and minority ethnic communities",
    "People with learning disabilities",
    "Single parents",
    "People experiencing homelessness",
    "Social housing tenants",
)

METHODS: tuple[str, ...] = (
    "peer interviews",
    "survey",
    "focus groups",
    "photovoice",
    "walking interviews",
    "community mapping",
    "story circles",
    "participant observation",
    "co-analysis workshops",
)
