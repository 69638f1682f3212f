"""The command line: python -m generator check | build | serve | qr | docs | kunci | verify.

The commands live in generator/cli/, one module per command family; `main` and `build_parser`
stay importable from here (tests and benchmarks do).
"""

from __future__ import annotations

import sys

from .cli.main import build_parser, main

__all__ = ["build_parser", "main"]

if __name__ == "__main__":
    sys.exit(main())
