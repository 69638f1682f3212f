// The holder's portfolio on profile and verification pages (templates/_bagikan.html.j2 and
// friends): copy buttons, the print button and the "Dicetak pada" time. No framework, no
// inline script (the CSP forbids it). Buttons stay hidden where this does not run.
(function () {
  "use strict";
  function tell(button, text) {
    var row = button.closest(".p-bagian, .p-cetak") || document;
    var note = row.querySelector(".p-salin-kabar");
    if (note) note.textContent = text;
  }
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy"));
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }
  document.querySelectorAll("[data-salin], [data-salin-dari]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-salin");
      if (text === null) {
        var source = document.getElementById(button.getAttribute("data-salin-dari"));
        text = source ? (source.value !== undefined ? source.value : source.textContent) : "";
      }
      copy(text).then(function () { tell(button, "Tersalin ✓"); },
                      function () { tell(button, "Gagal menyalin: pilih teksnya lalu salin."); });
    });
  });
  // LinkedIn is offered for a BERLAKU certificate only: status.js (run before this) may have
  // found that it expired since the build.
  var status = document.querySelector(".v-status[data-status]");
  if (status && status.getAttribute("data-status") !== "berlaku") {
    document.querySelectorAll("[data-hanya-berlaku]").forEach(function (el) { el.hidden = true; });
  }
  // "Dicetak pada": the time the page was opened, updated when it is printed
  var stamp = document.querySelector(".p-dicetak__waktu");
  function now() {
    if (!stamp) return;
    var d = new Date();
    stamp.dateTime = d.toISOString();
    stamp.textContent = d.toLocaleString("id-ID", {day: "numeric", month: "long", year: "numeric",
      hour: "2-digit", minute: "2-digit", timeZoneName: "short"});
  }
  now();
  window.addEventListener("beforeprint", now);
  var printButton = document.querySelector("[data-cetak]");
  if (printButton && window.print) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { now(); window.print(); });
  }
})();
