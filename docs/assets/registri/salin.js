// Portfolio parts of profile and verification pages (templates/_bagikan.html.j2 and friends):
// copy buttons (hidden where this does not run), LinkedIn hidden once status.js finds the
// certificate no longer BERLAKU, "Dicetak pada" = when opened, again when printed. Kept small:
// the verification page's first visit must stay <= 12 KB gzip (issue 20).
(function (d) {
  d.querySelectorAll("[data-salin],[data-salin-dari]").forEach(function (b) {
    b.hidden = false;
    b.onclick = function () {
      var t = b.getAttribute("data-salin"), s = d.getElementById(b.getAttribute("data-salin-dari"));
      if (t === null) t = s ? (s.value !== undefined ? s.value : s.textContent) : "";
      var n = b.closest(".p-bagian").querySelector(".p-salin-kabar");
      // the Clipboard API needs https (GitHub Pages) or localhost
      (navigator.clipboard ? navigator.clipboard.writeText(t) : Promise.reject()).then(
        function () { n.textContent = "Tersalin ✓"; },
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
    w.textContent = t.toLocaleString("id-ID", {dateStyle: "long", timeStyle: "long"});
  }
  if (w) { now(); addEventListener("beforeprint", now); }
})(document);
