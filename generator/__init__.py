"""Registri UMKM: one YAML file of certified UMKM in, a static verification site out.

The package is built in wings that follow the data's way through the program, lowest first.
A module may import its own wing and the wings before it in `WINGS`, never one after it; the
top (pipeline.py, serve.py, cli/, __main__.py) may import any wing and no wing imports it.
tests/test_layers.py reads every import and holds the code to this order.
"""

__version__ = "0.1.0"

WINGS = (
    "data",  # what the program reads: the model, umkm.yaml, rahasia.yaml, mkdocs.yml
    "sheets",  # workbooks and CSV in and out
    "site",  # the pages: templates, search, directory, look-up, QR codes, CSP
    "publish",  # what makes publishing safe: ledger, guard, manifests, HTTP, lock, swap
    "signing",  # keys, credentials, status lists, sums, verify
    "api",  # the open data files under /api/, the feed, the /api/ page
    "portal",  # many member registries, one view: fetch, verify, cache, the portal's pages
)
