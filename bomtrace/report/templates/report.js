(function () {
  "use strict";
  /* bomtrace HTML report: sortable tables and the lazy BOM tree. The page's data sits in a
     JSON block (script element of type application/json); this reads it and inserts text only
     through textContent, so no text of the BOM is ever parsed as markup. */
  function each(list, f) { Array.prototype.forEach.call(list, f); }

  function sortBy(tb, col, th) {
    var body = tb.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    var asc = th.getAttribute("aria-sort") !== "ascending";
    each(tb.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    function key(r) {
      var c = r.cells[col], v = c.getAttribute("data-v");
      if (v !== null) { return v === "" ? -Infinity : parseFloat(v); }
      return c.textContent;
    }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      var d = (typeof x === "number" && typeof y === "number") ? x - y
        : String(x).localeCompare(String(y));
      return asc ? d : -d;
    });
    each(rows, function (r) { body.appendChild(r); });
  }
  each(document.querySelectorAll("table.sortable"), function (tb) {
    each(tb.tHead.rows[0].cells, function (th, col) {
      th.tabIndex = 0;
      th.title = "Sort by this column";
      var go = function () { sortBy(tb, col, th); };
      th.addEventListener("click", go);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { go(); } });
    });
  });

  var el = document.getElementById("bomtrace-tree");
  if (!el) { return; }
  var T = JSON.parse(el.textContent);
  var CHUNK = 200, cls = 0, parents = null, lower = null;
  var ctl = T.classes.map(function (c) {
    var m = new Map();
    c.ctl.at.forEach(function (n, i) { m.set(n, c.ctl.v[i]); });
    return m;
  });
  var verdicts = T.classes.map(function (c) {
    var m = new Map();
    c.subject.forEach(function (n) { m.set(n, "subject"); });
    c.undetermined.forEach(function (n) { m.set(n, "undetermined"); });
    return m;
  });

  function money(v) {
    if (v === null || v === undefined) { return "-"; }
    return v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function cell(name, text) {
    var s = document.createElement("span");
    s.className = name;
    s.textContent = text;
    return s;
  }
  function paint(row) {
    var id = +row.getAttribute("data-node"), some = T.classes.length > 0;
    var v = some ? ctl[cls].get(id) : undefined, w = some ? verdicts[cls].get(id) || "" : "";
    row.children[7].textContent = some && T.cost[id] !== null ? money(v === undefined ? 0 : v) : "-";
    row.children[8].textContent = w;
    row.children[8].className = "vd " + w;
  }
  function hasKids(id) { return T.ptr[id + 1] > T.ptr[id]; }
  function makeNode(id, qty, depth) {
    var nd = document.createElement("div"), row = document.createElement("div");
    nd.className = "nd";
    nd.setAttribute("data-depth", depth);
    row.className = "tr";
    row.setAttribute("data-node", id);
    var name = document.createElement("span"), tg = document.createElement("button");
    name.className = "c-pn";
    name.style.paddingLeft = (depth * 16) + "px";
    tg.type = "button";
    tg.className = "tg";
    tg.textContent = hasKids(id) ? "\u25b8" : "\u00b7";
    tg.disabled = !hasKids(id);
    tg.setAttribute("aria-expanded", "false");
    tg.setAttribute("aria-label", "expand " + T.pn[id]);
    name.appendChild(tg);
    name.appendChild(cell("pn", T.pn[id]));
    row.appendChild(name);
    row.appendChild(cell("c-desc", T.desc[id]));
    row.appendChild(cell("num", qty === null || qty === undefined ? "" : String(qty)));
    row.appendChild(cell("c-or", T.origin[id]));
    row.appendChild(cell("c-ec", T.eccn[id]));
    row.appendChild(cell("num", money(T.cost[id])));
    row.appendChild(cell("num", money(T.us[id])));
    row.appendChild(cell("num ctl", ""));
    row.appendChild(cell("vd", ""));
    if (T.row[id] !== null) { row.title = "row " + T.row[id] + " of the input"; }
    paint(row);
    nd.appendChild(row);
    if (hasKids(id)) { tg.addEventListener("click", function () { toggle(nd); }); }
    return nd;
  }
  function idOf(nd) { return +nd.firstChild.getAttribute("data-node"); }
  function kidsOf(nd) { return nd.children.length > 1 ? nd.children[1] : null; }
  function more(kids, id, depth) {
    var end = T.ptr[id + 1], a = kids.bomtraceNext, b = Math.min(end, a + CHUNK);
    var old = kids.querySelector(":scope > .more");
    if (old) { old.remove(); }
    var frag = document.createDocumentFragment();
    for (var j = a; j < b; j++) { frag.appendChild(makeNode(T.kid[j], T.qty[j], depth)); }
    kids.appendChild(frag);
    kids.bomtraceNext = b;
    if (b < end) {
      var m = document.createElement("button");
      m.type = "button";
      m.className = "more";
      m.style.marginLeft = (depth * 16 + 20) + "px";
      m.textContent = "show " + Math.min(CHUNK, end - b) + " more (" + (end - b) + " of " +
        (end - T.ptr[id]) + " not shown)";
      m.addEventListener("click", function () { more(kids, id, depth); });
      kids.appendChild(m);
    }
  }
  function expand(nd, want) {
    var id = idOf(nd), kids = kidsOf(nd), depth = +nd.getAttribute("data-depth") + 1;
    if (!kids) {
      kids = document.createElement("div");
      kids.className = "kids";
      kids.bomtraceNext = T.ptr[id];
      nd.appendChild(kids);
      more(kids, id, depth);
    }
    kids.hidden = false;
    var tg = nd.firstChild.querySelector(".tg");
    tg.textContent = "\u25be";
    tg.setAttribute("aria-expanded", "true");
    if (want === undefined) { return null; }
    for (;;) {
      var found = null;
      each(kids.children, function (c) {
        if (!found && c.classList.contains("nd") && idOf(c) === want) { found = c; }
      });
      if (found || kids.bomtraceNext >= T.ptr[id + 1]) { return found; }
      more(kids, id, depth);
    }
  }
  function toggle(nd) {
    var kids = kidsOf(nd);
    if (kids && !kids.hidden) {
      kids.hidden = true;
      var tg = nd.firstChild.querySelector(".tg");
      tg.textContent = "\u25b8";
      tg.setAttribute("aria-expanded", "false");
    } else {
      expand(nd);
    }
  }

  function buildParents() {
    var n = T.n, e = T.kid.length, start = new Int32Array(n + 1), at, arr = new Int32Array(e);
    for (var i = 0; i < e; i++) { start[T.kid[i] + 1]++; }
    for (i = 0; i < n; i++) { start[i + 1] += start[i]; }
    at = start.slice(0, n);
    for (var p = 0; p < n; p++) {
      for (var j = T.ptr[p]; j < T.ptr[p + 1]; j++) { arr[at[T.kid[j]]++] = p; }
    }
    parents = { start: start, of: arr };
  }
  function pathTo(root, target) {
    if (!parents) { buildParents(); }
    var next = new Map(), queue = [target];
    next.set(target, -1);
    for (var h = 0; h < queue.length; h++) {
      var v = queue[h];
      if (v === root) {
        var path = [];
        for (var x = root; x !== -1; x = next.get(x)) { path.push(x); }
        return path;
      }
      for (var j = parents.start[v]; j < parents.start[v + 1]; j++) {
        var u = parents.of[j];
        if (!next.has(u)) { next.set(u, v); queue.push(u); }
      }
    }
    return null;
  }
  function openPath(tree, path) {
    var nd = tree.querySelector(".nd");
    for (var i = 1; nd && i < path.length; i++) { nd = expand(nd, path[i]); }
    if (!nd) { return; }
    each(document.querySelectorAll(".tr.hit"), function (r) { r.classList.remove("hit"); });
    nd.firstChild.classList.add("hit");
    nd.firstChild.scrollIntoView({ block: "center" });
  }
  function search(tree, q, hits, note) {
    var root = T.roots[+tree.getAttribute("data-product")], found = [];
    q = q.trim().toLowerCase();
    hits.textContent = "";
    note.textContent = "";
    if (!q) { return; }
    if (!lower) { lower = T.pn.map(function (s) { return s.toLowerCase(); }); }
    var exact = [], part = [];
    for (var i = 0; i < T.n; i++) {
      if (lower[i] === q) { exact.push(i); } else if (lower[i].indexOf(q) >= 0) { part.push(i); }
    }
    var all = exact.concat(part);
    for (i = 0; i < all.length && found.length < 20; i++) {
      var path = pathTo(root, all[i]);
      if (path) { found.push(path); }
    }
    if (!found.length) { note.textContent = "No part of this product matches."; return; }
    found.forEach(function (path) {
      var li = document.createElement("li"), b = document.createElement("button");
      b.type = "button";
      b.textContent = path.map(function (v) { return T.pn[v]; }).join(" \u203a ");
      b.addEventListener("click", function () { openPath(tree, path); });
      li.appendChild(b);
      hits.appendChild(li);
    });
    note.textContent = found.length + (found.length === 20 ? "+" : "") + " matching part(s)";
    openPath(tree, found[0]);
  }

  each(document.querySelectorAll(".tree"), function (tree) {
    var root = T.roots[+tree.getAttribute("data-product")];
    var body = tree.querySelector(".tree-body"), nd = makeNode(root, null, 0);
    body.appendChild(nd);
    expand(nd);
    var form = tree.querySelector("form"), input = form.querySelector("input");
    var hits = tree.querySelector(".hits"), note = tree.querySelector(".search-note");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      search(tree, input.value, hits, note);
    });
  });
  var pick = document.getElementById("tree-dest");
  if (pick) {
    pick.addEventListener("change", function () {
      cls = pick.selectedIndex;
      each(document.querySelectorAll(".tr[data-node]"), paint);
    });
  }
  document.body.setAttribute("data-ready", "1");
})();
