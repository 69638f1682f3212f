"""The api wing: the registry as open data under /api/, for integrators.

`exports` writes the JSON and CSV copies of everything public (parts per kecamatan, one file
per certificate, the id manifest) and the /api/ page that documents every field, from one
declaration of each file; `feed` writes the registry's latest status events as Atom and JSON.
The /api/ page's section on signatures comes from the signing wing.

May import: data, sheets, site, publish, signing.
"""
