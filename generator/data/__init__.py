"""The data wing: what the program reads, checked, as one model.

Every field of data/umkm.yaml is declared once (validation, error texts, the JSON Schema and the
guide's field table all come from the declarations); the reader turns the YAML into frozen
records and names every problem as FILE:LINE:COL in the admin's words; data/rahasia.yaml is read
here and never published; mkdocs.yml's site_url becomes a `SiteUrl` here, once. Nothing in this
wing writes the site.

    declarations.py  every field: kind, required, pattern, reference, words for the docs
    model.py         the validated registry: frozen records, displayed statuses
    load.py          the entry: a data file -> model.Registry, or DataError with every problem
    limits.py        sizes, nesting and characters no data file may hold
    diagnostics.py   Problem and DataError: one line per problem, values masked and cut
    yaml_syntax.py   YAML syntax errors in the admin's words, at the line to fix
    file_layout.py   the file's usual layout, found without composing it (for slicing)
    compose.py       the text composed a slice at a time behind the guards
    reader.py        YAML nodes -> values, following the declarations
    file_rules.py    rules across the file: references, uniqueness, date order, keys
    history.py       status history: its rules, timeline, status on a date, latest events
    confidential.py  data/rahasia.yaml (git-ignored): read, checked, written
    multikey.py      the public key format of registri.kunci (Multikey, base58btc)
    trust.py         placeholder site_url or contact refused for a real registry; CNAME
    config.py        mkdocs.yml, SiteUrl, the build clock (SOURCE_DATE_EPOCH)
    schema.py        the JSON Schema of the data file;  reference.py: the field tables
    yaml_nodes.py, yaml_style.py, yaml_edit.py   in-place edits that keep the admin's text
    yaml_text.py     YAML scalars no character can break (front matter, rahasia.yaml)

May import: nothing else.
"""
