/* Registri UMKM: the UMKM search (Pagefind) behind the search box of every page's header, and
   behind the directory's text field.

   The index (generator/site/search.py) holds records of up to 16 UMKM that share kecamatan,
   sector and status set; each UMKM is a section of its record, opened by <h2 id="<umkm-id>">.
   A portal's records (generator/portal/records.py) hold no rows: they name a run of rows of
   the directory's shards, read from there, and their text is each distinct word once: the
   rows are matched against the words Pagefind found (byWords).
   Pagefind answers with records and the word positions of the hits; a UMKM matches when its
   section holds a hit of every word typed (checked word by word, with Pagefind's own stemming).
   This script is fetched by status.js when the reader first focuses or types in the header's
   box (the directory loads it at once); Pagefind is loaded only when the reader starts to type. Everything from data is written with
   textContent: it can never become markup. */
(function () {
  "use strict";
  var engines = {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(n) { return n.toLocaleString("id-ID"); }

  /* Pagefind's bundle under <root>pagefind/, loaded once per page. */
  function engine(root) {
    if (!engines[root]) {
      var base = new URL(root + "pagefind/", document.baseURI).href;
      engines[root] = import(base + "pagefind.js").then(function (pf) {
        return pf.options({ bundlePath: base, excerptLength: 0 }).then(function () {
          return pf.init();
        }).then(function () { return pf; });
      });
      engines[root].catch(function () { delete engines[root]; });
    }
    return engines[root];
  }

  /* The words of a query as Pagefind will see them (a "quoted phrase" stays one). */
  function words(q) {
    q = (q || "").trim();
    if (/^".+"$/.test(q)) return [q];
    return q.split(/\s+/).filter(function (w) { return /[\p{L}\p{N}]/u.test(w); });
  }

  /* A search: `results()` gives the records in rank order; `more(n)` loads records until at
     least n more UMKM are found (or none is left). rows: [row, ...] (see pencarian.py row()). */
  function Search(root, q, filters) {
    this.root = root;
    this.q = q;
    this.filters = filters || {};
    this.rows = [];
    this.next = 0;
    this.records = null;
    this.exhausted = false;
  }
  Search.prototype.start = function () {
    var self = this, terms = words(this.q), opts = { filters: this.filters };
    if (!terms.length) return Promise.reject(new Error("kosong"));
    return engine(this.root).then(function (pf) {
      var all = [pf.search(terms.join(" "), opts)];
      if (terms.length > 1) terms.forEach(function (t) { all.push(pf.search(t, opts)); });
      return Promise.all(all);
    }).then(function (found) {
      self.records = found[0].results;
      self.perTerm = found.slice(1).map(function (r) {
        var m = {};
        r.results.forEach(function (x) { m[x.id] = x.words; });
        return m;
      });
      self.exhausted = !self.records.length;
      return self;
    });
  };
  function inSection(locations, a, b) {
    for (var i = 0; i < locations.length; i++) if (locations[i] >= a && locations[i] < b) return true;
    return false;
  }
  /* The rows of a record: in its data (a registry's), or (a portal's: generator/portal/
     records.py) rows [a, a + n) of the directory list l, read from its shards of h rows. */
  var shardCache = {};
  function shardOf(root, list, k) {
    var u = root + "api/direktori/" + list.split("/").map(encodeURIComponent).join("/") +
      "/" + (k + 1) + ".json";
    if (!shardCache[u]) {
      shardCache[u] = fetch(u, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      });
      shardCache[u].catch(function () { delete shardCache[u]; });
    }
    return shardCache[u];
  }
  function recordRows(root, data) {
    var d;
    try { d = JSON.parse(data.meta.d); } catch (e) { return Promise.resolve({ list: [] }); }
    if (d && Array.isArray(d.u)) return Promise.resolve({ list: d.u });
    if (!d || typeof d.l !== "string" || !(d.h > 0) || !(d.n > 0) || !(d.a >= 0)) return Promise.resolve({ list: [] });
    var wanted = [];
    for (var k = Math.floor(d.a / d.h); k <= Math.floor((d.a + d.n - 1) / d.h); k++) wanted.push(k);
    return Promise.all(wanted.map(function (k) { return shardOf(root, d.l, k); })).then(function (pages) {
      var flat = [];
      pages.forEach(function (pg) { Array.prototype.push.apply(flat, pg); });
      var first = wanted[0] * d.h;
      return { d: d, list: flat.slice(d.a - first, d.a - first + d.n) };
    });
  }
  /* a portal's record mixes statuses: a status filter keeps the rows with such a certificate */
  function hasStatus(r, status) {
    return !status || r[6].some(function (c) {
      var s = LETTERS[String(c[0]).charAt(0)];
      return s && s[0] === status;
    });
  }
  /* A portal's record (d.c set) is the distinct words of its rows, the c words of its sector
     and member first: a row matches a word typed when it holds one of the words Pagefind found
     for it in the record (or the hit is among the first c, shared by every row). */
  Search.prototype.byWords = function (record, data, d, list) {
    var self = this, text = String(data.content || "").split(/\s+/).filter(Boolean), out = [];
    var terms = this.perTerm.length ? this.perTerm.map(function (m) { return m[record.id] || []; }) :
      [record.words];
    var found = terms.map(function (locs) {
      var t = { all: false, forms: [] };
      locs.forEach(function (l) {
        if (l < d.c) t.all = true;
        /* Pagefind ends a block with a full stop ("sutra."); a record's words have none */
        else if (text[l] && text[l].replace(/\.+$/, "")) t.forms.push(text[l].toLowerCase().replace(/\.+$/, ""));
      });
      return t;
    });
    list.forEach(function (r, i) {
      if (!hasStatus(r, self.filters.status)) return;
      var own = (r[1] + " " + r[2] + " " + r[5]).toLowerCase(), hits = 0;
      for (var k = 0; k < found.length; k++) {
        var n = found[k].forms.filter(function (f) { return own.indexOf(f) >= 0; }).length;
        if (!n && !found[k].all) return;
        hits += n;
      }
      out.push({ row: r, hits: hits, order: i });
    });
    out.sort(function (x, y) { return y.hits - x.hits || x.order - y.order; });
    return out.map(function (s) { return s.row; });
  };
  Search.prototype.sections = function (record, data, got) {
    var self = this, rows = {}, out = [];
    if (got.d && got.d.c >= 0) return this.byWords(record, data, got.d, got.list);
    got.list.forEach(function (r) { if (hasStatus(r, self.filters.status)) rows[r[0]] = r; });
    var anchors = (data.anchors || []).filter(function (a) {
      return a.element === "h2" && a.id && rows[a.id];
    }).sort(function (a, b) { return a.location - b.location; });
    anchors.forEach(function (a, i) {
      var end = i + 1 < anchors.length ? anchors[i + 1].location : Infinity;
      var hits = record.words.filter(function (l) { return l >= a.location && l < end; }).length;
      if (!hits) return;
      for (var t = 0; t < self.perTerm.length; t++) {
        if (!inSection(self.perTerm[t][record.id] || [], a.location, end)) return;
      }
      out.push({ row: rows[a.id], hits: hits, order: i });
    });
    out.sort(function (x, y) { return y.hits - x.hits || x.order - y.order; });
    return out.map(function (s) { return s.row; });
  };
  Search.prototype.more = function (n) {
    var self = this, target = this.rows.length + n;
    function step() {
      if (self.next >= self.records.length) { self.exhausted = true; return Promise.resolve(self); }
      /* enough; but a last few records are read too, so that the count can be exact */
      if (self.rows.length >= target && self.records.length - self.next > 6) return Promise.resolve(self);
      var batch = self.records.slice(self.next, self.next + 6);
      self.next += batch.length;
      return Promise.all(batch.map(function (r) {
        return r.data().then(function (d) {
          return recordRows(self.root, d).then(function (got) { return [d, got]; });
        });
      })).then(function (got) {
        got.forEach(function (g, i) {
          Array.prototype.push.apply(self.rows, self.sections(batch[i], g[0], g[1]));
        });
        if (self.next >= self.records.length) self.exhausted = true;
        return step();
      });
    }
    return step();
  };
  /* "12 UMKM" when every record is read, "lebih dari 12 UMKM" while some are not. */
  Search.prototype.countText = function () {
    return (this.exhausted ? "" : "lebih dari ") + fmt(this.rows.length) + " UMKM";
  };

  /* A certificate in a row: [a letter for its status at the build date (shown, and in the
     data), then its last valid day: "k2023-09-06"; its scheme; its number]
     (generator/site/search.py STATUS_LETTER). */
  var LETTERS = { b: ["berlaku", "aktif"], k: ["kedaluwarsa", "aktif"], f: ["dibekukan", "dibekukan"],
    c: ["dicabut", "dicabut"] };

  /* One list item of the directory and of the search results. */
  function badge(shown, dataStatus, until) {
    var S = window.RegistriStatus;
    var b = el("span", "ru-status");
    b.setAttribute("data-status", shown);
    b.setAttribute("data-status-data", dataStatus);
    b.setAttribute("data-berlaku-sampai", until);
    if (S && S.ICONS[shown]) {
      var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("class", "ru-ikon");
      svg.setAttribute("viewBox", "0 0 24 24");
      svg.setAttribute("aria-hidden", "true");
      var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("d", S.ICONS[shown]);
      svg.appendChild(path);
      b.appendChild(svg);
    }
    b.appendChild(el("span", "ru-status__kata", S ? S.LABELS[shown][0] : shown.toUpperCase()));
    return b;
  }
  function item(r, root, vocab, cls) {
    cls = cls || {};
    var li = el("li", cls.li || "ru-item");
    li.setAttribute("data-id", r[0]);
    var a = el("a", cls.nama || "ru-item__nama", r[1]);
    /* on a portal (the index maps member id -> [name, address]) the id is <member>.<id> and
       the profile is on the member's own site; the row's "kecamatan" is the member */
    var members = vocab && vocab.index && vocab.index.anggota;
    var dot = r[0].indexOf("."), m = members && dot > 0 ? members[r[0].slice(0, dot)] : null;
    a.href = m ? m[1] + "umkm/" + encodeURIComponent(r[0].slice(dot + 1)) + "/" :
      root + "umkm/" + encodeURIComponent(r[0]) + "/";
    li.appendChild(a);
    /* a portal's row has the sector and each scheme as an index into the directory index */
    var ix = vocab && vocab.index, key = ix && ix.sektor_urut && typeof r[3] === "number" ?
      ix.sektor_urut[r[3]] : r[3];
    var sektor = (vocab && vocab.sektor && vocab.sektor[key]) || key;
    var kec = (vocab && vocab.kecamatan && vocab.kecamatan[r[4]]) || r[4];
    li.appendChild(el("span", cls.meta || "ru-item__meta",
      r[2] + " \u00b7 " + sektor + " \u00b7 " + (m ? m[0] : "Kec. " + kec)));
    if (r[5] && !cls.ringkas) li.appendChild(el("span", "ru-item__produk", r[5]));
    var st = el("span", cls.status || "ru-item__status");
    r[6].forEach(function (c) {
      /* [status letter + last valid day, scheme, number]: the badge says which certificate */
      var s = LETTERS[String(c[0]).charAt(0)];
      if (!s) return;
      var one = el("span", cls.sert || "ru-item__sert");
      one.appendChild(badge(s[0], s[1], String(c[0]).slice(1)));
      one.appendChild(document.createTextNode(" "));
      one.appendChild(el("span", "ru-item__skema",
        typeof c[1] === "number" ? (ix && ix.skema && ix.skema[c[1]]) || "" : c[1]));
      one.appendChild(document.createTextNode(" \u00b7 "));
      one.appendChild(el("span", "ru-item__nomor", c[2]));
      st.appendChild(one);
    });
    li.appendChild(st);
    return li;
  }
  /* sektor key -> label and kecamatan slug -> name, from the page's own directory form (on the
     directory) or from the small directory index. */
  var vocabPromise = {};
  function vocab(root) {
    if (!vocabPromise[root]) {
      vocabPromise[root] = fetch(root + "api/direktori/indeks.json", { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (ix) {
          var k = {};
          ix.kecamatan.forEach(function (p) { k[p[0]] = p[1]; });
          return { sektor: ix.sektor, kecamatan: k, index: ix };
        });
      vocabPromise[root].catch(function () { delete vocabPromise[root]; });
    }
    return vocabPromise[root];
  }

  /* -- the header box ------------------------------------------------------------------- */
  var SHOW = 8;
  function headerBox(form) {
    var root = form.getAttribute("data-root") || "";
    var input = form.querySelector("input[name=q]");
    var panel = form.querySelector(".k-cari__hasil");
    if (!input || !panel) return;
    var timer = null, serial = 0;
    panel.setAttribute("role", "region");
    panel.setAttribute("aria-label", "Hasil pencarian UMKM");
    function close() { panel.hidden = true; }
    function show(nodes) {
      panel.innerHTML = "";
      nodes.forEach(function (n) { panel.appendChild(n); });
      panel.hidden = false;
    }
    function status(text) {
      var p = el("p", "k-cari__jumlah", text);
      p.setAttribute("role", "status");
      return p;
    }
    function all(q) {
      var a = el("a", "k-cari__semua", "Semua hasil di direktori \u2192");
      a.href = root + "umkm/?q=" + encodeURIComponent(q);
      return a;
    }
    function run() {
      var q = input.value.trim(), mine = ++serial;
      if (!q) { close(); return; }
      show([status("Mencari\u2026")]);
      var s = new Search(root, q, {});
      Promise.all([s.start().then(function () { return s.more(SHOW); }), vocab(root).catch(function () { return null; })])
        .then(function (got) {
          if (mine !== serial) return;
          var v = got[1];
          if (!s.rows.length) {
            show([status("Tidak ada UMKM yang cocok dengan \u201c" + q + "\u201d.")]);
            return;
          }
          var ul = el("ul");
          s.rows.slice(0, SHOW).forEach(function (r) {
            ul.appendChild(item(r, root, v, { li: "", nama: "", meta: "k-cari__meta", status: "k-cari__meta", sert: "k-cari__sert", ringkas: true }));
          });
          show([status(s.countText() + " cocok dengan \u201c" + q + "\u201d"), ul, all(q)]);
          if (window.RegistriStatus) window.RegistriStatus.run(panel);
        })
        .catch(function () {
          if (mine !== serial) return;
          show([status("Pencarian gagal dimuat. Periksa sambungan internet, lalu coba lagi."), all(q)]);
        });
    }
    input.addEventListener("focus", function () { engine(root).catch(function () {}); });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 200);
    });
    input.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) close(); });
    form.addEventListener("focusout", function (e) {
      if (e.relatedTarget && !form.contains(e.relatedTarget)) close();
    });
    /* On the directory itself, Enter hands the words to the directory's own field. */
    var dir = document.querySelector("[data-direktori] input[name=q]");
    if (dir) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        close();
        dir.value = input.value;
        dir.dispatchEvent(new Event("input", { bubbles: true }));
        dir.focus();
      });
    }
    /* Fetched on demand (status.js): the reader is in the box already, perhaps typing. */
    if (document.activeElement === input) {
      engine(root).catch(function () {});
      if (input.value.trim()) run();
    }
  }

  window.RegistriPencarian = { Search: Search, item: item, vocab: vocab, engine: engine, words: words,
    el: el, fmt: fmt };
  function init() {
    var forms = document.querySelectorAll("form.k-cari");
    for (var i = 0; i < forms.length; i++) headerBox(forms[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
