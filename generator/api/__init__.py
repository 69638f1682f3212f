"""The api wing: the registry as open data under /api/, for integrators.

Every file is declared once with the words that document its fields, so the /api/ page and the
tests read the same declaration and cannot drift from what the files hold.

    catalogue.py       every published file and field, with its documentation
    records.py         model objects as public JSON values, URLs, the build stamp
    registry_parts.py  api/registri.json and its parts per kecamatan, whole or split CSVs
    csv_files.py       CSV for Excel with Indonesian settings (formulas defused)
    feed.py            the latest status events as Atom and JSON
    page.py            the /api/ page, rendered from templates/index.md.j2
    exports.py         every file of /api/, one at a time

May import: data, sheets, site, publish, signing.
"""
