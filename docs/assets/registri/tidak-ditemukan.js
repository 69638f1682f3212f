/* Registri UMKM, 404 page: before calling a certificate a fake, look its address up.
   /verifikasi/MWPM-2018-0003/, /verifikasi/mwpm-2018-0003)/, /verifikasi/mwpm-2018-0003/x/,
   /verifikasi/mwpm-2018-0003x/ (one stray letter or digit typed after the id) and a printed
   number typed into the path (/MWPM/UMKM/2018/0003) all lead to the real page (location.replace:
   the wrong address does not stay in the history). Candidates are whole path segments, longest
   first, normalised as the look-up normalises (lower case, a-z0-9 only); only when none of them
   is known is each tried once more without its last letter or digit: a forged id that merely
   starts like a real one, or differs in more than one character at its end, stays unknown.
   Unknown: the page says so, names what it looked up and puts it in its number box. The look-up
   could not be loaded: it says it could not check, never that the certificate may be forged.
   Needs cari.js (RegistriCari.find). */
(function () {
  "use strict";
  var MAX_SEGMENTS = 6;
  var body = document.body;
  var root = body.getAttribute("data-root") || "/";
  var out = document.querySelector(".nf-cek");

  function say(text) { if (out) out.textContent = text; }
  function decode(part) {
    try { return decodeURIComponent(part); } catch (e) { return part; }
  }
  function normalise(s) { return s.toLowerCase().replace(/[^0-9a-z]/g, ""); }
  /* Path segments after the site's root, decoded; "verifikasi" in any case is dropped. */
  function segments(pathname) {
    var path = pathname;
    if (path.toLowerCase().indexOf(root.toLowerCase()) === 0) path = path.slice(root.length);
    var segs = path.split("/").map(decode).filter(function (s) { return normalise(s) !== ""; });
    if (segs.length && segs[0].toLowerCase() === "verifikasi") segs.shift();
    return segs.slice(0, MAX_SEGMENTS);
  }
  function candidates(segs) {
    var list = [];
    for (var k = segs.length; k >= 1; k--) {
      var joined = segs.slice(0, k).join("/");
      if (list.indexOf(joined) < 0) list.push(joined);
    }
    return list;
  }
  /* What was looked up, in the number box and (for the verdict) in words. */
  function fill(typed) {
    var input = document.querySelector("form.ru-cari input");
    if (input && typed && !input.value) input.value = typed;
    var where = document.querySelector(".nf-dicari");
    if (where && typed) {
      where.querySelector(".nf-kunci").textContent = "\u201c" + typed + "\u201d";
      where.hidden = false;
    }
  }
  function show(selector, note, typed) {
    say(note || "");
    fill(typed);
    var box = document.querySelector(selector);
    if (box) box.hidden = false;
  }
  function unknown(typed) { show(".nf-js", "", typed); }
  function unchecked(typed) {
    show(".nf-js-gagal", "", typed);
  }
  /* The ids of `keys` (normalised), in order: null when unknown, undefined when not loaded. */
  function findAll(keys) {
    return Promise.all(keys.map(function (k) {
      return window.RegistriCari.find(root, k).catch(function () { return undefined; });
    }));
  }
  /* The first id found, "" when none is, undefined when a look-up failed before one was found
     (a longer candidate could not be checked: a shorter match might be the wrong one). */
  function first(ids) {
    for (var i = 0; i < ids.length; i++) {
      if (ids[i] === undefined) return undefined;
      if (ids[i]) return ids[i];
    }
    return "";
  }
  function open(id) {
    var target = root + "verifikasi/" + encodeURIComponent(id) + "/";
    if (target === window.location.pathname) return false;  /* the page itself is missing */
    say("Ditemukan: membuka halaman sertifikat " + id + "\u2026 (found: opening its page\u2026)");
    window.location.replace(target);
    return true;
  }
  function run() {
    var tries = candidates(segments(window.location.pathname));
    var typed = tries.length ? tries[0] : "";
    if (!window.RegistriCari || !window.fetch) { unchecked(typed); return; }
    if (!tries.length) { unknown(""); return; }
    say("Memeriksa alamat ini di registri\u2026 (checking this address in the registry\u2026)");
    findAll(tries).then(function (ids) {
      var id = first(ids);
      if (id === undefined) { unchecked(typed); return; }
      if (id) { if (!open(id)) unknown(typed); return; }
      /* one stray letter or digit after the id */
      var shorter = tries.map(normalise).filter(function (k) { return k.length > 1; })
        .map(function (k) { return k.slice(0, -1); });
      return findAll(shorter).then(function (ids2) {
        var id2 = first(ids2);
        if (id2 === undefined) { unchecked(typed); return; }
        if (!id2 || !open(id2)) unknown(typed);
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
