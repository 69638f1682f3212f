// Portfolio parts of profile and verification pages (templates/_bagikan.html.j2 ...): copy
// buttons, the print button, "Dicetak pada". Buttons stay hidden where this does not run.
(function () {
  "use strict";
  var q = function (s) { return document.querySelectorAll(s); };
  function tell(b, text) {
    var n = (b.closest(".p-bagian") || document).querySelector(".p-salin-kabar");
    if (n) n.textContent = text;
  }
  q("[data-salin], [data-salin-dari]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var t = b.getAttribute("data-salin"), s;
      if (t === null) {
        s = document.getElementById(b.getAttribute("data-salin-dari"));
        t = s ? (s.value !== undefined ? s.value : s.textContent) : "";
      }
      // the Clipboard API needs https (GitHub Pages) or localhost; elsewhere: select and copy
      var c = navigator.clipboard ? navigator.clipboard.writeText(t) : Promise.reject(new Error());
      c.then(function () { tell(b, "Tersalin ✓"); },
        function () { tell(b, "Gagal menyalin: pilih teksnya lalu salin."); });
    });
  });
  // LinkedIn only while BERLAKU: status.js (run before) may have found it expired since
  var st = document.querySelector(".v-status[data-status]");
  if (st && st.getAttribute("data-status") !== "berlaku") {
    q("[data-hanya-berlaku]").forEach(function (e) { e.hidden = true; });
  }
  var w = document.querySelector(".p-dicetak__waktu");
  function now() {
    if (!w) return;
    var d = new Date();
    w.dateTime = d.toISOString();
    w.textContent = d.toLocaleString("id-ID", {day: "numeric", month: "long", year: "numeric",
      hour: "2-digit", minute: "2-digit", timeZoneName: "short"});
  }
  now();
  window.addEventListener("beforeprint", now);
  var p = document.querySelector("[data-cetak]");
  if (p && window.print) {
    p.hidden = false;
    p.addEventListener("click", function () { now(); window.print(); });
  }
})();
