"""The site wing: the model made into pages and the files the pages need.

`pages` renders Markdown with front matter and escaped HTML blocks, and standalone HTML pages,
from the Jinja2 templates in `templates/` (autoescaped: data never becomes markup); `qr` makes
the codes of certificates (one cache for pages and print) and the print labels; `directory`,
`lookup` and `search` write the small shards and the Pagefind index the browser reads;
`sitemap`, `charts` and `security` (the CSP every page carries) complete them; `postbuild`
runs on the folder the engine built. Pure functions of the model, the build time and site_url.

May import: data, sheets.
"""
