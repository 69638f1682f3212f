"""The data wing: what the program reads, checked, as one model.

`model` declares every field of data/umkm.yaml once (validation, error texts, the JSON Schema
and the guide's field table all come from it); `load` turns the YAML into the model and names
every problem as FILE:LINE:COL in the admin's words; `confidential` reads data/rahasia.yaml,
which is never published; `history` holds the rules of a certificate's status history;
`yaml_edit` changes data/umkm.yaml in place, keeping the admin's comments and order; `config`
reads mkdocs.yml (site_url becomes a `SiteUrl` once, here) and the build clock; `trust`
refuses a placeholder address or contact in a real registry. Nothing here writes the site.

May import: nothing else.
"""
