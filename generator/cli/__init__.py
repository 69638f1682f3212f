"""The command line, in Indonesian: one module per command family.

    main.py         the parser (every command and option with its help) and `main`
    check.py        check: the data, rahasia.yaml, placeholders, the permanent-URL guard
    build.py        build, serve, docs
    qr.py           qr: the print folder
    keys.py         kunci baru, verify
    sheets.py       export, import
    report.py       problems one line each, or as GitHub annotations
    argparse_id.py  the words argparse writes itself, in Indonesian

It sits at the top with pipeline.py and serve.py: it may import any wing, and no wing imports it.
"""
