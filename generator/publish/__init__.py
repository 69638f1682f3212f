"""The publish wing: what makes publishing safe and permanent.

A printed QR code leads to its page for ever, so every id ever published is kept and a build
that would lose one is refused; a failed or concurrent build never leaves a half-written site;
and everything read over the network goes through one bounded client.

    ledger.py       data/id-terbit.txt: every id ever published (standard library only: the
                    publishing workflow runs it with `python3 -S`)
    guard.py        the permanent-URL guard: the ledger, its git history, built manifests
    manifest.py     api/manifest.json: made, read back and compared
    fetch.py        the one HTTP client: deadline, size cap, redirects, safe JSON
    fetch_errors.py its errors: one Indonesian sentence for every way a request fails
    addresses.py    which network class an address is in (no redirect to private/link-local)
    json_limits.py  JSON parsed with limits on depth and digits
    lock.py         one build at a time per project
    site_folder.py  where a build may write (never the project, docs/, data/, ...)
    swap.py         the finished site replaces the old one in one step
    reuse.py        incremental builds: outputs keyed by their inputs, unchanged ones linked

May import: data, sheets, site.
"""
