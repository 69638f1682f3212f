"""`python -m generator serve`: the site, live on this computer, rebuilt once per save.

MkDocs' own `serve` stops answering when a build raises (every request waits for a build that
never finishes), rebuilds twice per save (the hook's writes into docs/ are seen as a second
change), and shows data errors only in the terminal. This preview:

- builds each version into a fresh folder and switches to it only when the build succeeded,
  so the last good site keeps being served whatever fails (data, engine, theme, our code);
- watches only what a person edits (the data folder, the hand-written part of docs/, the theme
  overrides, mkdocs.yml), never the generated folders, so one save is one rebuild;
- shows the error of a failed build in the browser, on the page the admin is looking at, and
  reloads that page when a build succeeds. The page script is a file of the server's own
  (`/__registri__/muat-ulang.js`), so the pages keep their Content-Security-Policy.

Each rebuild holds the project lock (generator/publish/lock.py), like `build`.

The preview is for this computer: it listens on a loopback address unless `--jaringan` is
given (then a warning says the unpublished site is reachable from the network), answers 403 to
a request whose Host is not the address it listens on (a web page cannot reach it through a
name of its own that resolves to 127.0.0.1: DNS rebinding), answers a path no file can have
(a NUL byte) with 404 and a failed request with one line, never a traceback; SIGTERM and
SIGHUP stop it like Ctrl+C, and every version it built is removed from the temp folder.
"""

from __future__ import annotations

import http.server
import ipaddress
import json
import mimetypes
import os
import posixpath
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import pipeline, signing
from .data import config, load, trust
from .publish import lock, reuse
from .site import docs_files, security

PREFIX = "/__registri__/"
POLL_SECONDS = 0.5
QUIET_SECONDS = 0.3  # a save is over when nothing changed for this long

RELOAD_JS = """\
(function () {
  "use strict";
  var me = document.currentScript;
  var version = Number(me.getAttribute("data-versi"));
  var shown = null;
  function show(message) {
    var old = document.getElementById("registri-galat");
    if (old) old.remove();
    if (!message) return;
    if (!document.getElementById("registri-galat-css")) {
      var css = document.createElement("link");
      css.id = "registri-galat-css";
      css.rel = "stylesheet";
      css.href = "/__registri__/galat.css";
      document.head.appendChild(css);
    }
    var box = document.createElement("div");
    box.id = "registri-galat";
    box.setAttribute("role", "alert");
    var title = document.createElement("strong");
    title.textContent = "Pembangunan terakhir gagal: halaman ini dari versi sah sebelumnya.";
    var text = document.createElement("pre");
    text.textContent = message;
    var hint = document.createElement("p");
    hint.textContent = "Perbaiki lalu simpan: halaman dimuat ulang sendiri.";
    box.append(title, text, hint);
    document.body.prepend(box);
  }
  function poll() {
    fetch("/__registri__/status", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.versi !== version) { location.reload(); return; }
        if (s.galat !== shown) { shown = s.galat; show(s.galat); }
        setTimeout(poll, 700);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
"""

ERROR_CSS = """\
#registri-galat { position: sticky; top: 0; z-index: 10000; margin: 0; padding: .8rem 1rem;
  background: #fdecea; color: #611a15; border-bottom: 3px solid #b71c1c;
  font: 14px/1.45 system-ui, sans-serif; }
#registri-galat pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: .5rem 0;
  max-height: 40vh; overflow: auto; font: 13px/1.4 ui-monospace, monospace; }
#registri-galat p { margin: 0; }
"""

NO_SITE_YET = """\
<!doctype html>
<html lang="id"><head><meta charset="utf-8">
{meta}
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Situs belum bisa dibangun</title></head>
<body><h1>Situs belum bisa dibangun</h1>
<p>Belum ada versi yang sah untuk ditampilkan. Kesalahannya ada di atas dan di terminal.</p>
</body></html>
"""


class Preview:
    """The current good site, its version, and the error of the last failed build."""

    def __init__(self, config_file: Path, data: Path, site_url: str | None):
        self.config_file = config_file
        self.project = config_file.parent.resolve()
        self.data = data
        self.site_url = site_url
        self.workdir = Path(tempfile.mkdtemp(prefix="registri-serve-"))
        self.root: Path | None = None
        self.version = 0
        self.error: str | None = None
        self.builds = 0
        self._state = threading.Lock()

    def status(self) -> dict:
        with self._state:
            return {"versi": self.version, "galat": self.error}

    def rebuild(self) -> bool:
        """Build a new version; switch to it when it succeeded. True on success."""
        from mkdocs.exceptions import MkDocsException

        self.builds += 1
        out = self.workdir / f"v{self.builds}"
        t0 = time.monotonic()
        try:
            with lock.project_lock(self.project, "membangun situs"):
                registry = pipeline.generate(
                    self.project,
                    self.data,
                    self.site_url,
                    config_file=self.config_file,
                    refuse_placeholders=False,  # a preview is neither published nor printed
                    recheck_docs=True,  # a page of docs/ deleted or edited by hand comes back
                )
                # only what changed since the version on show is rendered (publish/reuse.py)
                plan = pipeline.engine_build(self.config_file, out, previous=self.root)
                plan.write_manifest(out)
        except load.DataError as e:
            return self._failed("\n".join(["Data registri tidak sah:", *e.lines()]))
        except (pipeline.BuildError, lock.LockError, config.ConfigError, MkDocsException) as e:
            return self._failed(str(e))
        except signing.SigningError as e:  # a private key given that does not fit
            return self._failed(str(e))
        except Exception as e:  # a crash anywhere: the preview goes on with the last good site
            where = traceback.extract_tb(e.__traceback__)[-1]
            return self._failed(
                f"Pembangunan gagal karena galat program: {type(e).__name__}: {e}\n"
                f"(di {Path(where.filename).name}:{where.lineno}; laporkan ke pengembang bila "
                "berulang)"
            )
        if not self.version:  # placeholders are said once, not refused: this is a preview
            for finding in trust.problems(registry, self.site_url, self.data, self.config_file):
                print(f"{finding} (peringatan: situs ini belum boleh diterbitkan)", file=sys.stderr)
        with self._state:
            previous, self.root = self.root, out
            self.version += 1
            self.error = None
        if previous is not None:  # removed beside the preview: ~60,000 names at 10,000 UMKM
            reuse.forget(previous)
            threading.Thread(target=shutil.rmtree, args=(previous, True), daemon=True).start()
        print(
            f"Situs dibangun ulang (versi {self.version}, {time.monotonic() - t0:.1f} detik).",
            flush=True,
        )
        return True

    def _failed(self, message: str) -> bool:
        with self._state:
            self.error = message
        print(message, file=sys.stderr, flush=True)
        print("Halaman terakhir yang sah tetap ditampilkan.", file=sys.stderr, flush=True)
        return False

    def close(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)


def watched(project: Path, data: Path, cfg: dict) -> dict[str, tuple[int, int]]:
    """{path: (mtime_ns, size)} of every file a person edits: the data folder, docs/ without
    its generated folders, the theme overrides without the generated partials, mkdocs.yml."""
    docs = project / str(cfg.get("docs_dir") or "docs")
    theme = cfg.get("theme") if isinstance(cfg.get("theme"), dict) else {}
    overrides = project / str(theme.get("custom_dir") or "overrides")
    skip = {docs / g for g in (*docs_files.GENERATED_DOCS, *docs_files.GENERATED_DOCS_FILES)}
    skip |= {overrides / g for g in docs_files.GENERATED_OVERRIDES}
    out: dict[str, tuple[int, int]] = {}

    def walk(folder: Path) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            path = Path(entry.path)
            if path in skip or entry.name.startswith(".") or entry.name.endswith(".tmp"):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    walk(path)
                elif entry.is_file():
                    st = entry.stat()
                    out[entry.path] = (st.st_mtime_ns, st.st_size)
            except OSError:
                continue

    walk(data.parent)
    walk(docs)
    walk(overrides)
    for single in (project / "mkdocs.yml", data):
        try:
            st = single.stat()
            out[str(single)] = (st.st_mtime_ns, st.st_size)
        except OSError:
            pass
    return out


def allowed_host_names(host: str) -> set[str] | None:
    """The Host names the preview answers to when listening on `host`; None when any is
    (listening on every address, 0.0.0.0 or ::, which only `--jaringan` allows)."""
    if host in ("0.0.0.0", "::", ""):
        return None
    return {host.strip("[]").lower(), "localhost", "127.0.0.1", "::1"}


def host_allowed(header: str | None, allowed: set[str] | None) -> bool:
    """Whether a request's Host header names the preview (port ignored)."""
    if allowed is None:
        return True
    if not header:
        return False
    try:
        name = urlsplit("//" + header.strip()).hostname
    except ValueError:
        return False
    return name is not None and name.lower() in allowed


def is_loopback(host: str) -> bool:
    """Whether binding to `host` keeps the preview on this computer."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # one line, never a traceback
        e = sys.exc_info()[1]
        if not isinstance(e, ConnectionError | TimeoutError):
            print(f"Permintaan gagal: {type(e).__name__}", file=sys.stderr, flush=True)


class _Stop(BaseException):
    """SIGTERM or SIGHUP: stop like Ctrl+C (the temp folder is removed on the way out)."""


def _stop(signum, frame):
    raise _Stop


def _handler(preview: Preview, mount: str, allowed_hosts: set[str] | None = None):
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "registri-serve"

        def log_message(self, *args):  # quiet: the terminal is for build messages
            pass

        def _send(self, status: int, body: bytes, ctype: str, head_only: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head_only:
                self.wfile.write(body)

        def do_HEAD(self):  # noqa: N802
            self.do_GET(head_only=True)

        def do_GET(self, head_only: bool = False):  # noqa: N802
            if not host_allowed(self.headers.get("Host"), allowed_hosts):
                body = "403: nama situs (Host) tidak dikenal; buka alamat yang dicetak `serve`."
                return self._send(403, body.encode(), "text/plain; charset=utf-8", head_only)
            try:
                path = unquote(urlsplit(self.path).path, errors="strict")
            except (UnicodeDecodeError, ValueError):
                return self._not_found(head_only)
            if "\0" in path or not path.isprintable():
                return self._not_found(head_only)
            if path == PREFIX + "status":
                body = json.dumps(preview.status()).encode()
                return self._send(200, body, "application/json", head_only)
            if path == PREFIX + "muat-ulang.js":
                return self._send(200, RELOAD_JS.encode(), "text/javascript", head_only)
            if path == PREFIX + "galat.css":
                return self._send(200, ERROR_CSS.encode(), "text/css", head_only)
            if not (path + "/").startswith(mount):
                if path in ("/", ""):
                    self.send_response(302)
                    self.send_header("Location", mount)
                    self.end_headers()
                    return
                return self._not_found(head_only)
            with preview._state:
                root, version = preview.root, preview.version
            if root is None:
                page = NO_SITE_YET.format(meta=security.meta_tags())
                return self._send(200, _inject(page.encode(), version), "text/html", head_only)
            rel = posixpath.normpath("/" + path[len(mount) :]).lstrip("/")
            file = (root / rel) if rel not in ("", ".") else root
            if file.is_dir():
                if not path.endswith("/"):
                    self.send_response(302)
                    self.send_header("Location", path + "/")
                    self.end_headers()
                    return
                file = file / "index.html"
            try:
                inside = file.resolve().is_relative_to(root.resolve())
                body = file.read_bytes() if inside and file.is_file() else None
            except OSError:
                body = None
            if body is None:
                return self._not_found(head_only, root, version)
            ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if ctype == "text/html":
                body = _inject(body, version)
                ctype = "text/html; charset=utf-8"
            return self._send(200, body, ctype, head_only)

        def _not_found(self, head_only: bool, root: Path | None = None, version: int = 0):
            page = (root / "404.html") if root else None
            if page is not None and page.is_file():
                body = _inject(page.read_bytes(), version)
                return self._send(404, body, "text/html; charset=utf-8", head_only)
            return self._send(404, b"404", "text/plain", head_only)

    return Handler


def _inject(html: bytes, version: int) -> bytes:
    tag = f'<script src="{PREFIX}muat-ulang.js" data-versi="{version}"></script>'.encode()
    at = html.rfind(b"</body>")
    return html + tag if at < 0 else html[:at] + tag + html[at:]


def serve(config_file: Path, data: Path, host: str, port: int) -> int:
    """Build, serve and rebuild on every save until Ctrl+C, SIGTERM or SIGHUP."""
    # SIGINT too, explicitly: a process started in the background by a shell inherits SIGINT
    # ignored, and Python then never raises KeyboardInterrupt (Ctrl+C would not stop serve)
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    signals = [getattr(signal, n) for n in names if hasattr(signal, n)]
    old = {sig: signal.signal(sig, _stop) for sig in signals}  # (no SIGHUP on Windows)
    try:
        return _serve(config_file, data, host, port)
    except (_Stop, KeyboardInterrupt):
        print("Berhenti.", flush=True)
        return 0
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


def _serve(config_file: Path, data: Path, host: str, port: int) -> int:
    pipeline.fix_clock()  # every version carries the same build time: only real changes differ
    pipeline.preview = True
    os.environ[pipeline.DATA_ENV] = str(data.resolve())  # the hook reads this data file too
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    pipeline.quiet_mkdocs_logging()
    cfg = config.read_mkdocs_yml(config_file)
    site_url = config.SiteUrl.of(cfg.get("site_url"))
    mount = site_url.path if site_url else "/"
    preview = Preview(config_file, data, site_url)
    try:
        return _run(preview, config_file, data, cfg, host, port, mount)
    finally:
        preview.close()


def _run(preview: Preview, config_file, data, cfg, host: str, port: int, mount: str) -> int:
    project = config_file.parent.resolve()
    snapshot = watched(project, data, cfg)
    preview.rebuild()
    handler = _handler(preview, mount, allowed_host_names(host))
    try:
        server = _Server((host.strip("[]"), port), handler)
    except OSError as e:
        print(f"Alamat {host}:{port} tidak bisa dipakai ({e.strerror}). Coba --dev-addr lain.")
        return 1
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(
        f"Membuka situs di http://{host}:{port}{mount} (Ctrl+C untuk berhenti). "
        "Situs dibangun lagi setiap kali berkas disimpan.",
        flush=True,
    )
    try:
        while True:
            time.sleep(POLL_SECONDS)
            now = watched(project, data, cfg)
            if now == snapshot:
                continue
            while True:  # wait until the editor has finished writing
                time.sleep(QUIET_SECONDS)
                later = watched(project, data, cfg)
                if later == now:
                    break
                now = later
            snapshot = now
            try:
                cfg = config.read_mkdocs_yml(config_file)
            except config.ConfigError as e:
                preview._failed(str(e))
                continue
            preview.rebuild()
    finally:
        server.shutdown()
        server.server_close()
