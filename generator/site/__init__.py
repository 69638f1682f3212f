"""The site wing: the model made into pages and the files the pages need.

Pure functions of the registry, the build time and site_url. Pages are Markdown with front
matter and escaped HTML blocks, or standalone HTML, from the Jinja2 templates in `templates/`
(autoescaped: data never becomes markup); the browser's data comes in small shards; QR codes
are made once and cached for pages and print.

    pages.py        Site: every generated file (home, lists, profiles, verification, 404)
    render.py       the Jinja environment, dates in Indonesian and English, icons
    views.py        what templates get of a business and a certificate beside its fields
    docs_files.py   the generated folders of docs/ and overrides/, written only when changed
    directory.py    the directory's filter shards;  lookup.py: the look-up index shards
    search.py       the Pagefind index;  sitemap.py: sitemaps;  charts.py: inline SVG bars
    security.py     the CSP and referrer policy every page carries
    qr_code.py      one QR symbol (segno, fixed mask);  qr.py: the cache and the images
    qr_print.py     the print folder: selection, SVG/PNG files, the A4 label sheet
    postbuild.py    what runs on the folder the engine built: search index, sitemaps

May import: data, sheets.
"""
