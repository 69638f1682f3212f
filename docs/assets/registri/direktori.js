/* Registri UMKM: the directory's filter (sector, kecamatan, status) and text search.

   Without JavaScript the page is a complete static list, paged. With it:
   - sector / kecamatan / status read `api/direktori/indeks.json` (vocabulary and counts, a few
     KB) and then only the shard pages of rows they show (generator/site/directory.py): the count is
     exact and never needs the whole registry;
   - words typed go to the Pagefind search (pencarian.js), with the same filters;
   - the filter lives in the URL (/umkm/?sektor=batik&kecamatan=kraksaan&status=berlaku&q=kopi):
     shareable, and the back button walks through earlier filters;
   - the heading and the page title say what is filtered; the count is announced (aria-live).
   Everything from data goes in with textContent: it can never become markup. */
(function () {
  "use strict";
  var STEP = 100;
  var box = document.querySelector("[data-direktori]");
  var P = window.RegistriPencarian;
  if (!box || !P) return;
  var root = box.getAttribute("data-root") || "";
  var form = box.querySelector(".ru-filter");
  var list = box.querySelector(".ru-list");
  var count = box.querySelector(".ru-jumlah");
  var more = box.querySelector(".ru-lagi");
  var pager = box.querySelector(".ru-halaman");
  var staticCount = box.querySelector(".ru-jumlah-statis");
  var heading = box.querySelector("h1");
  var FIELDS = ["q", "sektor", "kecamatan", "status"];
  var baseHeading = heading.textContent, baseTitle = document.title;
  /* a portal's "kecamatan" filter is the member registry: the select says what it is */
  var kecWord = form.elements.kecamatan.getAttribute("data-sebutan") || "Kecamatan";
  /* "Direktori UMKM - <site name>": a filtered title keeps the site's name after the heading */
  var titleTail = baseTitle.indexOf(baseHeading + " - ") === 0 ?
    baseTitle.slice(baseHeading.length + 3) : baseTitle;
  var staticItems = Array.prototype.slice.call(list.childNodes);
  var vocab = null, timer = null, serial = 0, view = null, shards = {};

  var el = P.el, fmt = P.fmt;
  function params() {
    var p = new URLSearchParams(window.location.search), out = {};
    FIELDS.forEach(function (f) { out[f] = (p.get(f) || "").trim(); });
    /* values the registry does not know are dropped, not guessed */
    if (out.sektor && !Object.prototype.hasOwnProperty.call(vocab.sektor, out.sektor)) out.sektor = "";
    if (out.kecamatan && !Object.prototype.hasOwnProperty.call(vocab.kecamatan, out.kecamatan)) out.kecamatan = "";
    if (out.status && vocab.index.status.indexOf(out.status) < 0) out.status = "";
    return out;
  }
  function toForm(p) { FIELDS.forEach(function (f) { form.elements[f].value = p[f]; }); }
  function fromForm() {
    var out = {};
    FIELDS.forEach(function (f) { out[f] = form.elements[f].value.trim(); });
    return out;
  }
  function url(p) {
    var u = new URLSearchParams();
    FIELDS.forEach(function (f) { if (p[f]) u.set(f, p[f]); });
    var s = u.toString();
    return window.location.pathname + (s ? "?" + s : "");
  }
  function describe(p) {
    var parts = [];
    if (p.sektor) parts.push(vocab.sektor[p.sektor]);
    if (p.kecamatan) parts.push(kecWord + " " + vocab.kecamatan[p.kecamatan]);
    if (p.status) parts.push("status " + window.RegistriStatus.LABELS[p.status][0]);
    if (p.q) parts.push("\u201c" + p.q + "\u201d");
    return parts.join(", ");
  }
  function setTitle(p) {
    var what = describe(p);
    heading.textContent = what ? baseHeading + ": " + what : baseHeading;
    document.title = what ? heading.textContent + " - " + titleTail : baseTitle;
  }

  /* -- counts and shards ------------------------------------------------------------------ */
  function cell(sektor, kec, status) {
    var ix = vocab.index, row = ix.jumlah[kec], i = status ? 1 + ix.status.indexOf(status) : 0;
    if (!row) return 0;
    if (sektor) return row[sektor] ? row[sektor][i] : 0;
    var n = 0;
    Object.keys(row).forEach(function (s) { n += row[s][i]; });
    return n;
  }
  function range(p) {
    var start = 0, total = 0, slugs = vocab.index.kecamatan.map(function (k) { return k[0]; });
    for (var i = 0; i < slugs.length; i++) {
      var n = cell(p.sektor, slugs[i], p.status);
      if (!p.kecamatan) total += n;
      else if (slugs[i] === p.kecamatan) { total = n; break; }
      else start += n;
    }
    return { start: start, total: total };
  }
  function shard(p, k) {
    var all = vocab.index.semua;
    var u = root + "api/direktori/" + encodeURIComponent(p.sektor || all) + "/" +
      encodeURIComponent(p.status || all) + "/" + k + ".json";
    if (!shards[u]) {
      shards[u] = fetch(u, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      });
      shards[u].catch(function () { delete shards[u]; });
    }
    return shards[u];
  }
  /* rows [a, b) of the filtered list */
  function rows(p, r, a, b) {
    var size = vocab.index.halaman, from = r.start + a, to = r.start + Math.min(b, r.total);
    if (to <= from) return Promise.resolve([]);
    var wanted = [];
    for (var k = Math.floor(from / size); k <= Math.floor((to - 1) / size); k++) wanted.push(k);
    return Promise.all(wanted.map(function (k) { return shard(p, k + 1); })).then(function (pages) {
      var flat = [];
      pages.forEach(function (pg) { Array.prototype.push.apply(flat, pg); });
      var first = wanted[0] * size;
      return flat.slice(from - first, to - first);
    });
  }

  /* -- drawing ---------------------------------------------------------------------------- */
  function draw(items, emptyText) {
    var frag = document.createDocumentFragment();
    items.forEach(function (r) { frag.appendChild(P.item(r, root, vocab)); });
    if (!items.length) frag.appendChild(el("li", "ru-kosong", emptyText));
    list.innerHTML = "";
    list.appendChild(frag);
    if (window.RegistriStatus) window.RegistriStatus.run(list);
  }
  function showStatic() {
    list.innerHTML = "";
    staticItems.forEach(function (n) { list.appendChild(n); });
    if (pager) pager.hidden = false;
    if (staticCount) staticCount.hidden = false;
    more.hidden = true;
    count.textContent = "";
  }
  function filtered(p) { return FIELDS.some(function (f) { return p[f]; }); }

  function render(p) {
    var mine = ++serial;
    setTitle(p);
    if (!filtered(p)) { view = null; showStatic(); return Promise.resolve(); }
    if (pager) pager.hidden = true;
    if (staticCount) staticCount.hidden = true;
    more.hidden = true;
    count.textContent = "Memuat\u2026";
    var empty = "Tidak ada UMKM yang cocok dengan filter ini.";
    if (p.q) {
      var filters = {};
      ["sektor", "kecamatan", "status"].forEach(function (f) { if (p[f]) filters[f] = p[f]; });
      var s = new P.Search(root, p.q, filters);
      view = { search: s, shown: 0 };
      return s.start().then(function () { return s.more(STEP); }).then(function () {
        if (mine !== serial) return;
        view.shown = Math.min(STEP, s.rows.length);
        draw(s.rows.slice(0, view.shown), empty);
        count.textContent = s.countText() + " cocok";
        more.hidden = s.exhausted && view.shown >= s.rows.length;
      }).catch(function () { failed(mine); });
    }
    var r = range(p);
    view = { p: p, range: r, shown: 0, items: [] };
    return rows(p, r, 0, STEP).then(function (got) {
      if (mine !== serial) return;
      view.items = got;
      view.shown = got.length;
      draw(got, empty);
      count.textContent = fmt(r.total) + " UMKM cocok" +
        (r.total > got.length ? " \u00b7 menampilkan " + fmt(got.length) : "") +
        (r.total && !p.kecamatan ? " \u00b7 urut menurut " + kecWord.toLowerCase() + ", lalu nama" : "");
      more.hidden = r.total <= got.length;
    }).catch(function () { failed(mine); });
  }
  function failed(mine) {
    if (mine !== serial) return;
    count.textContent = "Daftar gagal dimuat. Periksa sambungan internet, lalu coba lagi.";
  }
  function showMore() {
    if (!view) return;
    var mine = serial;
    if (view.search) {
      var s = view.search;
      s.more(STEP).then(function () {
        if (mine !== serial) return;
        view.shown = Math.min(view.shown + STEP, s.rows.length);
        s.rows.slice(list.children.length, view.shown).forEach(function (r) { list.appendChild(P.item(r, root, vocab)); });
        if (window.RegistriStatus) window.RegistriStatus.run(list);
        count.textContent = s.countText() + " cocok";
        more.hidden = s.exhausted && view.shown >= s.rows.length;
      });
      return;
    }
    rows(view.p, view.range, view.shown, view.shown + STEP).then(function (got) {
      if (mine !== serial) return;
      got.forEach(function (r) { list.appendChild(P.item(r, root, vocab)); });
      if (window.RegistriStatus) window.RegistriStatus.run(list);
      view.shown += got.length;
      var t = view.range.total;
      count.textContent = fmt(t) + " UMKM cocok" + (t > view.shown ? " \u00b7 menampilkan " + fmt(view.shown) : "");
      more.hidden = t <= view.shown;
    });
  }
  function update(push) {
    var p = fromForm(), u = url(p);
    if (u !== window.location.pathname + window.location.search) {
      window.history[push ? "pushState" : "replaceState"](null, "", u);
    }
    render(p);
  }

  P.vocab(root).then(function (v) {
    vocab = v;
    form.hidden = false;
    var p = params();
    toForm(p);
    if (url(p) !== window.location.pathname + window.location.search) {
      window.history.replaceState(null, "", url(p));
    }
    render(p);
    form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); update(true); });
    form.elements.q.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { update(false); }, 250);
    });
    ["sektor", "kecamatan", "status"].forEach(function (f) {
      form.elements[f].addEventListener("change", function () { update(true); });
    });
    form.addEventListener("reset", function () { setTimeout(function () { update(true); }, 0); });
    more.addEventListener("click", showMore);
    window.addEventListener("popstate", function () { var q = params(); toForm(q); render(q); });
  }).catch(function () { /* the static list stays: it is complete */ });
})();
