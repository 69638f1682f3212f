/* Registri UMKM: the directory's instant filter (sector, kecamatan, status, free text).
   Without JavaScript the page is a complete static list; with it, the list is drawn from
   api/direktori.json, paged, and the filter lives in the URL (shareable; back button works).
   Everything from data goes in with textContent: it can never become markup. */
(function () {
  "use strict";
  var STEP = 100;
  var box = document.querySelector("[data-direktori]");
  if (!box) return;
  var root = box.getAttribute("data-root") || "";
  var form = box.querySelector(".ru-filter");
  var list = box.querySelector(".ru-list");
  var count = box.querySelector(".ru-jumlah");
  var more = box.querySelector(".ru-lagi");
  var pager = box.querySelector(".ru-halaman");
  var staticCount = box.querySelector(".ru-jumlah-statis");
  var FIELDS = ["q", "sektor", "kecamatan", "status"];
  var data = null, shown = STEP, timer = null;

  function fold(s) {
    return (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function badge(status, dataStatus, until) {
    var S = window.RegistriStatus;
    var b = el("span", "ru-status");
    b.setAttribute("data-status", status);
    b.setAttribute("data-status-data", dataStatus);
    b.setAttribute("data-berlaku-sampai", until);
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("class", "ru-ikon");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", S.ICONS[status]);
    svg.appendChild(path);
    b.appendChild(svg);
    b.appendChild(el("span", "ru-status__kata", S.LABELS[status][0]));
    return b;
  }
  function prepare(raw) {
    var S = window.RegistriStatus, date = S.today();
    var built = raw.tanggal_data || "";
    if (built > date) date = built; /* a clock in the past must not revive expired ones */
    return raw.umkm.map(function (r) {
      var certs = r[7].map(function (c) { return [S.judge(c[0], c[1], date), c[0], c[1]]; });
      var hay = fold([r[1], r[2], r[5], r[6], raw.sektor[r[3]], raw.kecamatan[r[4]]].join(" "));
      return { id: r[0], nama: r[1], pemilik: r[2], sektor: r[3], kec: r[4], produk: r[5],
               certs: certs, hay: hay };
    });
  }
  function params() {
    var p = new URLSearchParams(window.location.search), out = {};
    FIELDS.forEach(function (f) { out[f] = p.get(f) || ""; });
    return out;
  }
  function toForm(p) { FIELDS.forEach(function (f) { form.elements[f].value = p[f]; }); }
  function fromForm() {
    var out = {};
    FIELDS.forEach(function (f) { out[f] = form.elements[f].value; });
    return out;
  }
  function url(p) {
    var u = new URLSearchParams();
    FIELDS.forEach(function (f) { if (p[f]) u.set(f, p[f]); });
    var s = u.toString();
    return window.location.pathname + (s ? "?" + s : "");
  }
  function matches(p) {
    var words = fold(p.q).split(/\s+/).filter(Boolean);
    return data.rows.filter(function (r) {
      if (p.sektor && r.sektor !== p.sektor) return false;
      if (p.kecamatan && r.kec !== p.kecamatan) return false;
      if (p.status && !r.certs.some(function (c) { return c[0] === p.status; })) return false;
      for (var i = 0; i < words.length; i++) if (r.hay.indexOf(words[i]) < 0) return false;
      return true;
    });
  }
  function item(r) {
    var li = el("li", "ru-item");
    li.setAttribute("data-id", r.id);
    var a = el("a", "ru-item__nama", r.nama);
    a.href = root + "umkm/" + encodeURIComponent(r.id) + "/";
    li.appendChild(a);
    li.appendChild(el("span", "ru-item__meta", r.pemilik + " \u00b7 " + data.sektor[r.sektor] +
      " \u00b7 Kec. " + data.kecamatan[r.kec]));
    if (r.produk) li.appendChild(el("span", "ru-item__produk", r.produk.split(" \u00b7 ").join(", ")));
    var st = el("span", "ru-item__status");
    r.certs.forEach(function (c) { st.appendChild(badge(c[0], c[1], c[2])); st.appendChild(document.createTextNode(" ")); });
    li.appendChild(st);
    return li;
  }
  function render() {
    var p = fromForm();
    var found = matches(p);
    var frag = document.createDocumentFragment();
    found.slice(0, shown).forEach(function (r) { frag.appendChild(item(r)); });
    if (!found.length) frag.appendChild(el("li", "ru-kosong", "Tidak ada UMKM yang cocok dengan filter ini."));
    list.innerHTML = "";
    list.appendChild(frag);
    var filtered = FIELDS.some(function (f) { return p[f]; });
    count.textContent = found.length.toLocaleString("id-ID") + " UMKM " +
      (filtered ? "cocok" : "terdaftar") +
      (found.length > shown ? " \u00b7 menampilkan " + shown.toLocaleString("id-ID") : "");
    more.hidden = found.length <= shown;
  }
  function update(push) {
    shown = STEP;
    var u = url(fromForm());
    if (u !== window.location.pathname + window.location.search) {
      window.history[push ? "pushState" : "replaceState"](null, "", u);
    }
    render();
  }
  fetch(root + "api/direktori.json", { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (raw) {
      data = { rows: prepare(raw), sektor: raw.sektor, kecamatan: raw.kecamatan };
      form.hidden = false;
      more.hidden = true;
      if (pager) pager.hidden = true;
      if (staticCount) staticCount.hidden = true;
      toForm(params());
      render();
      form.addEventListener("submit", function (e) { e.preventDefault(); update(true); });
      form.elements.q.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { update(false); }, 120);
      });
      ["sektor", "kecamatan", "status"].forEach(function (f) {
        form.elements[f].addEventListener("change", function () { update(true); });
      });
      form.addEventListener("reset", function () { setTimeout(function () { update(true); }, 0); });
      more.addEventListener("click", function () { shown += STEP; render(); });
      window.addEventListener("popstate", function () { toForm(params()); shown = STEP; render(); });
    })
    .catch(function () { /* the static list stays: it is complete */ });
})();
