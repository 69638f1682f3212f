"""The portal: one view over many member registries (SPEC "Portal: many registries, one view").

A portal project has `data/portal.yaml` instead of `data/umkm.yaml`. Its build fetches each
member's published open data with the bounded HTTP client, verifies it with the signing wing's
code (hashes against the member's SHA256SUMS, its JWS against the member's did:web keys), keeps
the last good copy of each member under `.cache/portal/<id>/`, and renders the portal's own
pages: home, a directory across members, one search, a look-up that leads to the member's own
verification page, the trust list `/api/anggota.json` and a merged Atom feed. It never
republishes a member's profiles or verification pages.

    config.py     data/portal.yaml: read and checked (line and column, Indonesian)
    members.py    fetching and verifying one member within its limits (time, bytes, parts),
                  the only use of fetch and verify
    limits.py     what one member may cost a build (time, bytes, parts, keys; env overrides)
    cache.py      .cache/portal/<id>/: each member's last good copy, re-hashed before use
    merge.py      verified member data -> one model.Registry for the directory and search,
                  the look-up keys, the status events
    pages.py      the portal's files: pages, anggota.json (signed), feed, look-up shards
    templates/    the portal's page templates (they extend the site wing's light layout)

May import: data, sheets, site, publish, signing, api.
"""
