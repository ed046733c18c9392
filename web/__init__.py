"""The HTTP side outside Dash: the open-data API, the chart embeds, headers and caching.

``app.py`` registers these on the Flask server. They read the warehouse through
``warehouse.queries`` and draw with ``figures``, like the callbacks, but never import pages,
callbacks or components.
"""
