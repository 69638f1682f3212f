/* Registri UMKM, verification page: "was it valid on date X?", answered from the status
   history the page already shows (the timeline's data-tanggal / data-jenis), with the rules
   of generator/data/history.py: an event is in force from its date on; the certificate is expired
   after data-berlaku-sampai; before data-terbit it did not exist yet. Without JavaScript the
   form stays hidden and the timeline still reads. status.js shows the form and fetches this
   script when the reader reaches it (it scrolls into view, or the field is focused). */
(function () {
  "use strict";
  var MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember"];
  var MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var WORDS = {
    "belum-terbit": ["BELUM TERBIT", "NOT YET ISSUED"],
    berlaku: ["BERLAKU", "VALID"],
    kedaluwarsa: ["KEDALUWARSA", "EXPIRED"],
    dibekukan: ["DIBEKUKAN", "SUSPENDED"],
    dicabut: ["DICABUT", "REVOKED"]
  };
  var FROM_EVENT = { terbit: "berlaku", aktif: "berlaku", dibekukan: "dibekukan", dicabut: "dicabut" };

  function human(iso, months) {
    var p = iso.split("-");
    return parseInt(p[2], 10) + " " + months[parseInt(p[1], 10) - 1] + " " + p[0];
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
  /* The date field is plain text, day first (HH/BB/TTTT), whatever the browser's locale: a
     browser's own date field shows the order of the browser's language (12/06/2026 for 12 June
     under English), not the page's. Read: DD/MM/YYYY with any separator, DDMMYYYY, or
     YYYY-MM-DD; YYYY-MM-DD, or "" for no such day. */
  function parseDay(text) {
    var t = (text || "").trim(), m, d, mo, y;
    if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t))) { y = +m[1]; mo = +m[2]; d = +m[3]; }
    else if ((m = /^(\d{1,2})\D+(\d{1,2})\D+(\d{4})$/.exec(t)) ||
             (m = /^(\d{2})(\d{2})(\d{4})$/.exec(t))) { d = +m[1]; mo = +m[2]; y = +m[3]; }
    else return "";
    var when = new Date(Date.UTC(y, mo - 1, d));
    if (when.getUTCFullYear() !== y || when.getUTCMonth() !== mo - 1 || when.getUTCDate() !== d) return "";
    return y + "-" + pad(mo) + "-" + pad(d);
  }
  function dayFirst(iso) {
    var p = iso.split("-");
    return p[2] + "/" + p[1] + "/" + p[0];
  }
  /* Status on `day` (YYYY-MM-DD); the event that decided it, if any. */
  function statusOn(list, day) {
    var issued = list.getAttribute("data-terbit");
    var until = list.getAttribute("data-berlaku-sampai");
    if (day < issued) return { status: "belum-terbit", since: null };
    var status = "berlaku", since = issued;
    var items = list.querySelectorAll("[data-tanggal]");
    for (var i = 0; i < items.length; i++) {
      var when = items[i].getAttribute("data-tanggal");
      var kind = items[i].getAttribute("data-jenis");
      if (FROM_EVENT[kind] && when <= day) { status = FROM_EVENT[kind]; since = when; }
    }
    if (status === "berlaku" && until && day > until) return { status: "kedaluwarsa", since: null };
    return { status: status, since: since };
  }
  function answer(form, list, day) {
    var out = form.querySelector(".v-tanya__jawab");
    out.textContent = "";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) { out.removeAttribute("data-jawab"); return; }
    var r = statusOn(list, day);
    var w = WORDS[r.status];
    out.setAttribute("data-jawab", r.status);
    var id = document.createElement("span");
    var b = document.createElement("strong");
    b.textContent = w[0];
    id.appendChild(document.createTextNode("Pada " + human(day, MONTHS_ID) + ": "));
    id.appendChild(b);
    var en = document.createElement("span");
    en.lang = "en";
    var be = document.createElement("strong");
    be.textContent = w[1];
    en.appendChild(document.createTextNode(" · On " + human(day, MONTHS_EN) + ": "));
    en.appendChild(be);
    var note = "";
    if (r.status === "kedaluwarsa") {
      var until = list.getAttribute("data-berlaku-sampai");
      note = " (berlaku sampai " + human(until, MONTHS_ID) + " · valid until " + human(until, MONTHS_EN) + ")";
    } else if (r.status === "belum-terbit") {
      var issued = list.getAttribute("data-terbit");
      note = " (terbit " + human(issued, MONTHS_ID) + " · issued " + human(issued, MONTHS_EN) + ")";
    } else if (r.since && r.status !== "berlaku") {
      note = " (sejak " + human(r.since, MONTHS_ID) + " · since " + human(r.since, MONTHS_EN) + ")";
    }
    out.appendChild(id);
    out.appendChild(en);
    if (note) out.appendChild(document.createTextNode(note));
    if (day > today()) {
      out.appendChild(document.createTextNode(
        ". Tanggal itu belum tiba: jawaban menurut data hari ini, bisa berubah. " +
        "(A future date: answered from today's data, which may change.)"));
    }
  }
  function init() {
    var form = document.querySelector("form.v-tanya");
    var list = document.querySelector(".v-linimasa");
    if (!form || !list) return;
    var input = form.querySelector("input");
    if (!input.value) input.value = dayFirst(today()); /* status.js fills it in */
    form.hidden = false;
    var update = function () { answer(form, list, parseDay(input.value)); };
    input.addEventListener("input", update);
    input.addEventListener("change", update);
    form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
    update();
  }
  window.RegistriRiwayat = { statusOn: statusOn, parseDay: parseDay };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
