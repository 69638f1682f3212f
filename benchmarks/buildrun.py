"""`python -m generator build ...`, instrumented: run by bench.py in a subprocess of its own.

    python benchmarks/buildrun.py build --config ... --data ... --site-dir ...

Runs the command line exactly as `python -m generator` does, then prints one JSON line
prefixed with BENCH: the seconds of each stage (generator.pipeline.TIMINGS), the QR counters
(site.qr.stats), the seconds spent inside site.qr.prepare and .inline_png (making
the missing QR codes, then drawing each on its verification page; a part of the `generate`
stage), how many times
the pages were rendered (pages.Site.files), and the part of the `engine` stage that the
MkDocs hook spent in check/generate/write (TIMINGS counts it twice: in its own stage and
inside `engine`).
"""

from __future__ import annotations

import functools
import json
import sys
import time

import mkdocs.commands.build

from generator import __main__ as cli
from generator import pipeline
from generator.site import pages, qr

qr_seconds = 0.0
passes = 0
in_engine: dict[str, float] = {}


def _timed(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        global qr_seconds
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            qr_seconds += time.perf_counter() - t0

    return wrapper


def _counted(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        global passes
        passes += 1
        return fn(*args, **kwargs)

    return wrapper


def _engine(fn):
    """Note what the stages of the generator gained while the engine ran (the hook)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        before = dict(pipeline.TIMINGS.stages)
        try:
            return fn(*args, **kwargs)
        finally:
            for k, v in pipeline.TIMINGS.stages.items():
                if k != "engine" and v != before.get(k, 0.0):
                    in_engine[k] = in_engine.get(k, 0.0) + v - before.get(k, 0.0)

    return wrapper


def main() -> int:
    # pages.py looks these up on the module at each call
    qr.prepare = _timed(qr.prepare)
    qr.inline_png = _timed(qr.inline_png)
    pages.Site.files = _counted(pages.Site.files)
    # pipeline.build imports it at call time, from this module
    mkdocs.commands.build.build = _engine(mkdocs.commands.build.build)
    t0 = time.perf_counter()
    code = cli.main(sys.argv[1:])
    total = time.perf_counter() - t0
    print("BENCH: " + json.dumps({"code": code, "seconds": total,
                                  "stages": pipeline.TIMINGS.stages, "qr_seconds": qr_seconds,
                                  "qr_stats": dict(qr.stats), "passes": passes,
                                  "qr_pool_cpu": qr.pool_cpu_seconds,
                                  "hook_in_engine": in_engine}))
    return code


if __name__ == "__main__":
    sys.exit(main())
