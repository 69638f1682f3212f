"""The command line: `python -m generator check | build | serve | qr | docs | kunci | verify |
export | import`, in Indonesian.

`argparse_id` gives argparse Indonesian words; `report` prints problems one line each, safe on
any terminal, or as GitHub annotations. The commands call the pipeline and the wings; nothing
below imports this folder.
"""
