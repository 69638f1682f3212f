/* Registri UMKM, 404 page: before calling a certificate a fake, look its address up.
   /verifikasi/MWPM-2018-0003/, /verifikasi/mwpm-2018-0003)/, /verifikasi/mwpm-2018-0003/x/ and a
   printed number typed into the path (/MWPM/UMKM/2018/0003) all lead to the real page
   (location.replace: the wrong address does not stay in the history). Candidates are whole path
   segments, longest first, normalised as the look-up normalises (lower case, a-z0-9 only): a
   segment is never cut, so a forged id that merely starts like a real one stays unknown.
   Needs cari.js (RegistriCari.find). */
(function () {
  "use strict";
  var MAX_SEGMENTS = 6;
  var body = document.body;
  var root = body.getAttribute("data-root") || "/";
  var out = document.querySelector(".nf-cek");
  var verdict = document.querySelector(".nf-js");

  function say(text) { if (out) out.textContent = text; }
  function decode(part) {
    try { return decodeURIComponent(part); } catch (e) { return part; }
  }
  /* Path segments after the site's root, decoded; "verifikasi" in any case is dropped. */
  function segments(pathname) {
    var path = pathname;
    if (path.toLowerCase().indexOf(root.toLowerCase()) === 0) path = path.slice(root.length);
    var segs = path.split("/").map(decode).filter(function (s) {
      return window.RegistriCari.normalise(s) !== "";
    });
    if (segs.length && segs[0].toLowerCase() === "verifikasi") segs.shift();
    return segs.slice(0, MAX_SEGMENTS);
  }
  function candidates(segs) {
    var out = [];
    for (var k = segs.length; k >= 1; k--) {
      var joined = segs.slice(0, k).join("/");
      if (out.indexOf(joined) < 0) out.push(joined);
    }
    return out;
  }
  function showVerdict(note) {
    say(note || "");
    if (verdict) verdict.hidden = false;
  }
  function run() {
    if (!window.RegistriCari || !window.fetch) { showVerdict(""); return; }
    var tries = candidates(segments(window.location.pathname));
    if (!tries.length) { showVerdict(""); return; }
    say("Memeriksa alamat ini di registri\u2026 (checking this address in the registry\u2026)");
    Promise.all(tries.map(function (t) {
      return window.RegistriCari.find(root, t).catch(function () { return undefined; });
    })).then(function (ids) {
      var failed = false;
      for (var i = 0; i < ids.length; i++) {
        /* a longer candidate could not be looked up: a shorter match might be the wrong one */
        if (ids[i] === undefined) { failed = true; break; }
        if (ids[i]) {
          var target = root + "verifikasi/" + encodeURIComponent(ids[i]) + "/";
          if (target === window.location.pathname) break;  /* the page itself is missing */
          say("Ditemukan: membuka halaman sertifikat " + ids[i] + "\u2026 (found: opening its page\u2026)");
          window.location.replace(target);
          return;
        }
      }
      showVerdict(failed ? "Pencarian tidak bisa dimuat; periksa sambungan internet. " +
        "(The look-up could not be loaded: check the connection.)" : "");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
