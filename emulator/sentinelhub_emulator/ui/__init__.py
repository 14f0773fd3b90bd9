"""The emulator's dashboard, served at ``/_emulator/ui/``: read-only pages over its data.

Modules: `service` (the registration record), `requestlog` (the last API requests, kept by a
middleware: method, path, status, duration, processing units, request id; never a body, a query
string or a header), `access` (who may see the pages), `reads` (what the pages show, read from
the services' tables, never written), `footprints` (tile footprints in WGS84 and the SVG map),
`preview` (a tile's preview PNG, rendered by the Process engine), `routes` (the pages), and
``templates/`` and ``static/`` (Jinja2 templates, the page's own CSS and JS; nothing from a CDN).
"""
