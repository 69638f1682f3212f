/* Registri UMKM: re-judge every certificate status against the reader's date (SPEC.md).
   The build date judged it once; a certificate that expired since then must not show BERLAKU.
   Each status element carries data-status (shown), data-status-data (aktif | dibekukan |
   dicabut, from the data file) and data-berlaku-sampai (YYYY-MM-DD or empty). */
(function () {
  "use strict";
  var LABELS = {
    berlaku: ["BERLAKU", "VALID"],
    kedaluwarsa: ["KEDALUWARSA", "EXPIRED"],
    dibekukan: ["DIBEKUKAN", "SUSPENDED"],
    dicabut: ["DICABUT", "REVOKED"]
  };
  var NOTES = {
    berlaku: ["Sertifikat ini tercatat dan masih berlaku.", "This certificate is registered and in force."],
    kedaluwarsa: ["Sertifikat ini tercatat, tetapi masa berlakunya sudah habis.", "This certificate is registered, but it has expired."],
    dibekukan: ["Sertifikat ini sedang dibekukan: untuk sementara tidak berlaku.", "This certificate is suspended: temporarily not in force."],
    dicabut: ["Sertifikat ini telah dicabut dan tidak berlaku lagi.", "This certificate has been revoked and is no longer valid."]
  };
  var ICONS = {
    berlaku: "M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z",
    kedaluwarsa: "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm.5-13H11v6l5.2 3.2.8-1.3-4.5-2.7z",
    dibekukan: "M6 19h4V5H6zm8-14v14h4V5z",
    dicabut: "M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z"
  };

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
  /* dataStatus: aktif | dibekukan | dicabut; until: YYYY-MM-DD or ""; date: YYYY-MM-DD */
  function judge(dataStatus, until, date) {
    if (dataStatus === "dibekukan" || dataStatus === "dicabut") return dataStatus;
    if (until && date > until) return "kedaluwarsa";
    return "berlaku";
  }
  function setText(el, selector, text) {
    var t = el.querySelector(selector);
    if (t) t.textContent = text;
  }
  function apply(el, status) {
    var before = el.getAttribute("data-status");
    if (before === status) return;
    el.setAttribute("data-status", status);
    setText(el, ".ru-status__kata", LABELS[status][0]);
    setText(el, ".ru-status__en", LABELS[status][1]);
    setText(el, ".ru-status__catatan", NOTES[status][0]);
    setText(el, ".ru-status__catatan-en", NOTES[status][1]);
    var path = el.querySelector(".ru-ikon path");
    if (path) path.setAttribute("d", ICONS[status]);
    var expired = el.querySelector(".v-status__habis");
    if (expired) expired.hidden = status !== "kedaluwarsa";
    /* The title is rebuilt from its parts, never searched: a certificate number may itself
       contain a status word ("Sertifikat BERLAKU/2024/1 — KEDALUWARSA · ..."). */
    if (el.hasAttribute("data-judul-depan")) {
      document.title = el.getAttribute("data-judul-depan") + LABELS[status][0] +
        el.getAttribute("data-judul-belakang");
    }
  }
  /* "Data per <date>" is the build's date, written in the page: the reader's clock is never
     shown as a check of the registry. Past masa_status_hari days (data-masa), the first screen
     says how many days old the data is (SPEC "Trust": status is only as good as its date). */
  function dataAge() {
    var line = document.querySelector("[data-per]");
    var warn = document.querySelector(".v-data-lama");
    if (!line || !warn) return;
    var per = line.getAttribute("data-per").split("-");
    var now = today().split("-");
    var days = Math.round((Date.UTC(+now[0], +now[1] - 1, +now[2]) -
      Date.UTC(+per[0], +per[1] - 1, +per[2])) / 86400000);
    var limit = parseInt(line.getAttribute("data-masa"), 10) || 7;
    if (!(days > limit)) return;
    var spots = warn.querySelectorAll(".v-data-lama__hari");
    for (var i = 0; i < spots.length; i++) spots[i].textContent = String(days);
    warn.hidden = false;
  }
  function run(root) {
    var date = today();
    dataAge();
    var els = (root || document).querySelectorAll("[data-status-data]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var shown = el.getAttribute("data-status");
      var s = judge(el.getAttribute("data-status-data"), el.getAttribute("data-berlaku-sampai"), date);
      /* A reader's clock set in the past must not revive what the build saw expired. */
      if (shown === "kedaluwarsa" && s === "berlaku") continue;
      apply(el, s);
    }
  }
  /* Material's wide-table scroll wrappers: reachable by keyboard (axe: scrollable-region-focusable). */
  function focusableScrollers() {
    var w = document.querySelectorAll(".md-typeset__scrollwrap");
    for (var i = 0; i < w.length; i++) w[i].setAttribute("tabindex", "0");
  }
  /* Scripts fetched on demand, from where status.js came: most visits never use them, and the
     verification page's first visit must stay <= 12 KB gzip (issue 20). */
  var here = document.currentScript && document.currentScript.src;
  function fetchScript(name) {
    if (!here || document.querySelector('script[src$="' + name + '"]')) return;
    var s = document.createElement("script");
    s.src = here.replace(/status\.js([?#].*)?$/, name);
    document.head.appendChild(s);
  }
  /* `name` is fetched once the reader focuses or types in `field`, or (`seen`) `seen` scrolls
     into view. */
  function onDemand(name, field, seen) {
    var io = seen && window.IntersectionObserver && new IntersectionObserver(function (es) {
      if (es.some(function (e) { return e.isIntersecting; })) go();
    });
    function go() {
      if (io) io.disconnect();
      field.removeEventListener("focus", go);
      field.removeEventListener("input", go);
      fetchScript(name);
    }
    field.addEventListener("focus", go);
    field.addEventListener("input", go);
    if (io) io.observe(seen);
  }
  function later() {
    /* The header's UMKM search (pencarian.js, ~4 KB). Without JavaScript the box is a plain GET
       form to the directory; the directory itself loads pencarian.js at once. */
    var box = document.getElementById("k-cari-q");
    if (box && !document.querySelector('script[src$="pencarian.js"]')) onDemand("pencarian.js", box);
    /* The verification page's "was it valid on date X?" (riwayat.js, ~2 KB): the form shows with
       today's date (day first) and is answered once the reader reaches it. Hidden without
       JavaScript; the timeline above it reads without. */
    var form = document.querySelector("form.v-tanya"), day = form && form.querySelector("input");
    if (day && !document.querySelector('script[src$="riwayat.js"]')) {
      day.value = today().split("-").reverse().join("/");
      form.hidden = false;
      onDemand("riwayat.js", day, form);
    }
  }
  /* Portfolio parts of profile and verification pages (templates/_bagikan.html.j2 and friends):
     copy buttons (hidden where this does not run), LinkedIn hidden once the certificate is found
     no longer BERLAKU (run() has judged it by now), "Dicetak pada" = when opened, again when
     printed. */
  function portfolio(d) {
    d.querySelectorAll("[data-salin],[data-salin-dari]").forEach(function (b) {
      b.hidden = false;
      b.onclick = function () {
        var t = b.getAttribute("data-salin"), s = d.getElementById(b.getAttribute("data-salin-dari"));
        if (t === null) t = s ? (s.value !== undefined ? s.value : s.textContent) : "";
        var n = b.closest(".p-bagian").querySelector(".p-salin-kabar");
        // the Clipboard API needs https (GitHub Pages) or localhost
        (navigator.clipboard ? navigator.clipboard.writeText(t) : Promise.reject()).then(
          function () { n.textContent = "Tersalin \u2713"; },
          function () { n.textContent = "Gagal menyalin: pilih teksnya lalu salin."; });
      };
    });
    var st = d.querySelector(".v-status[data-status]"), w = d.querySelector(".p-dicetak__waktu");
    if (st && st.getAttribute("data-status") !== "berlaku") {
      d.querySelectorAll("[data-hanya-berlaku]").forEach(function (e) { e.hidden = true; });
    }
    function now() {
      var t = new Date();
      w.dateTime = t.toISOString();
      w.textContent = t.toLocaleString("id-ID", { dateStyle: "long", timeStyle: "long" });
    }
    if (w) { now(); addEventListener("beforeprint", now); }
  }
  function start() {
    run();
    focusableScrollers();
    later();
    portfolio(document);
  }
  window.RegistriStatus = { judge: judge, today: today, run: run, LABELS: LABELS, ICONS: ICONS };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
