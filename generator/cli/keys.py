"""`python -m generator kunci baru | verify`: a new signing key pair, and the check of a built or
published site's hashes, signatures and credentials.
"""

from __future__ import annotations

import argparse
import sys


def cmd_kunci_baru(args: argparse.Namespace) -> int:
    """A new signing key pair: private key to --out, the YAML item to stdout."""
    import re

    from ..data import config, declarations
    from ..signing import newkey

    if args.id is not None and not re.match(declarations.KEY_RE, args.id):
        print(
            f"--id '{args.id}' tidak sah: pakai huruf kecil a-z, angka atau tanda -",
            file=sys.stderr,
        )
        return 1
    try:
        today = config.build_date()
    except config.ConfigError as e:
        print(e, file=sys.stderr)
        return 1
    return newkey.main(args.out, args.id, today)


def cmd_verify(args: argparse.Namespace) -> int:
    """Check a built or published site: hashes, signatures, credentials and their status."""
    from ..signing import verify

    return verify.main(args.situs, args.kunci, args.portal, args.pada, args.kunci_portal)
