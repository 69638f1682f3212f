/* Registri UMKM: look up a certificate by printed number or id (any case, spaces, slashes).
   Fetches one small shard of api/cari/, never the whole registry. */
(function () {
  "use strict";
  function normalise(text) { return text.toLowerCase().replace(/[^0-9a-z]/g, ""); }
  function fnv1a(text) {
    var h = 0x811c9dc5;
    var bytes = unescape(encodeURIComponent(text));
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }
  function say(out, html, status) {
    out.innerHTML = "";
    out.removeAttribute("data-status");
    if (status) out.setAttribute("data-status", status);
    out.appendChild(html);
  }
  function notFound(typed) {
    var p = document.createDocumentFragment();
    var b = document.createElement("strong");
    b.textContent = "TIDAK DITEMUKAN";
    var en = document.createElement("span");
    en.lang = "en";
    en.textContent = " NOT FOUND";
    p.appendChild(b);
    p.appendChild(en);
    p.appendChild(document.createTextNode(
      " — tidak ada sertifikat \u201c" + typed + "\u201d di registri ini. Periksa ketikan Anda; " +
      "bila nomor sudah benar, sertifikat itu mungkin palsu. Laporkan ke penerbit registri. "));
    var en2 = document.createElement("span");
    en2.lang = "en";
    en2.textContent = "There is no certificate \u201c" + typed + "\u201d in this registry. " +
      "Check what you typed; if the number is right, the certificate may be forged: " +
      "report it to the publisher.";
    p.appendChild(en2);
    return p;
  }
  function choices(list) {
    var p = document.createDocumentFragment();
    p.appendChild(document.createTextNode("Nomor ini tercatat di beberapa registri; buka halaman verifikasinya di registri penerbit: "));
    list.forEach(function (entry, i) {
      var a = document.createElement("a");
      a.href = entry[1];
      a.textContent = entry[0];
      if (i) p.appendChild(document.createTextNode(" \u00b7 "));
      p.appendChild(a);
    });
    return p;
  }
  /* The certificate id for a typed number or id (any case, spaces, punctuation), or null.
     Fetches api/cari/meta.json and one shard; rejects on a network error. */
  function find(root, typed) {
    var key = normalise(typed);
    if (!key) return Promise.resolve(null);
    return getJSON(root + "api/cari/meta.json").then(function (meta) {
      return getJSON(root + "api/cari/" + (fnv1a(key) % meta.shards) + ".json").then(function (shard) {
        var v = Object.prototype.hasOwnProperty.call(shard, key) ? shard[key] : null;
        return meta.anggota && v ? onMember(meta.anggota, v) : v;
      });
    });
  }
  /* A portal's value "<member>/<certificate id>" -> the address of the verification page on
     the member's own site; several -> [[member name, address], ...] to choose from. */
  function onMember(members, v) {
    function one(x) {
      var i = x.indexOf("/"), m = members[x.slice(0, i)];
      return m ? [m[0], m[1] + "verifikasi/" + encodeURIComponent(x.slice(i + 1)) + "/"] : null;
    }
    if (!Array.isArray(v)) { var hit = one(v); return hit ? hit[1] : null; }
    var all = v.map(one).filter(function (x) { return x; });
    return all.length > 1 ? all : all.length ? all[0][1] : null;
  }
  function lookup(form, typed) {
    var out = form.querySelector(".ru-cari__hasil");
    var root = form.getAttribute("data-root") || "";
    var key = normalise(typed);
    if (!key) {
      say(out, document.createTextNode("Ketik nomor sertifikat atau kodenya. (Type the certificate number or id.)"));
      return;
    }
    say(out, document.createTextNode("Mencari\u2026 (looking up\u2026)"));
    find(root, typed).then(function (id) {
      if (Array.isArray(id)) {
        /* a portal: the same number in several member registries; the reader picks */
        say(out, choices(id));
      } else if (id) {
        say(out, document.createTextNode("Ditemukan. Membuka halaman verifikasi\u2026 (found: opening its page\u2026)"));
        /* a portal's look-up holds the address of the page on the member's own site */
        window.location.href = /^https?:\/\//.test(id) ? id :
          root + "verifikasi/" + encodeURIComponent(id) + "/";
      } else {
        say(out, notFound(typed), "tidak-ditemukan");
      }
    }).catch(function () {
      say(out, document.createTextNode("Pencarian gagal dimuat. Periksa sambungan internet lalu coba lagi. " +
        "(The look-up could not be loaded: check the connection and try again.)"));
    });
  }
  function init() {
    var forms = document.querySelectorAll("form.ru-cari");
    for (var i = 0; i < forms.length; i++) {
      (function (form) {
        var input = form.querySelector("input");
        form.addEventListener("submit", function (e) {
          e.preventDefault();
          lookup(form, input.value);
        });
        var q = new URLSearchParams(window.location.search).get("q");
        if (q && i === 0) {
          input.value = q;
          lookup(form, q);
        }
      })(forms[i]);
    }
  }
  window.RegistriCari = { normalise: normalise, fnv1a: fnv1a, find: find };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
