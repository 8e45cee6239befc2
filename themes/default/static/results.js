// ahnb results.js: the project page's results table, rendered from the page's data so that it
// stays fast with thousands of runs (one page of rows in the DOM at a time): sorting, the
// filter (filter.js), seed-group folding, a column chooser, CSV of the visible rows, and ticks
// for the compare view (compare.js). Its state (sort, filter, page, open groups, ticked runs,
// columns) is ahnb.state.table; new data from a live update is shown with the same state.
// Without JavaScript the server-rendered table (the best runs, every column) remains.
(function (ahnb) {
  "use strict";
  // Rows on a page of the table: as many as the HTML's table (render/project_page.rs
  // `STATIC_ROWS`), so that the script's first page shows the same number of runs.
  var PAGE = 50;
  var format = ahnb.format, fmt = format.number, isNum = format.isNum, duration = format.duration;
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function mean(xs) { return xs.reduce(function (a, b) { return a + b; }, 0) / xs.length; }
  function std(xs) {
    if (xs.length < 2) return NaN;
    var m = mean(xs);
    return Math.sqrt(xs.reduce(function (a, b) { return a + (b - m) * (b - m); }, 0) / (xs.length - 1));
  }

  // Whether seed group `g` is unfolded: its own key only (a group can be named "constructor").
  function isOpen(open, g) { return Object.prototype.hasOwnProperty.call(open, g) && !!open[g]; }

  // What the filter's free text matches in a run: its name, status, group and each
  // hyperparameter it has as name=value, in the data's order of hyperparameters.
  function searchText(r, params) {
    var parts = [r.name, r.status, r.group || ""];
    params.forEach(function (k) { var v = r.params[k]; if (v !== undefined) parts.push(k + "=" + format.param(v)); });
    return parts.join(" ");
  }

  // The table's columns, in the order Rust wrote them into the page's data (`table`, from
  // render/project_data.rs `table_columns`, the static table's order): each a key (`rank`,
  // `run`, `status`, `progress`, `duration`, `steps`, `best:<metric>`, `last:<metric>`,
  // `param:<name>`) with its label, and here how to read and show its value.
  function columnsFor(data) {
    var metrics = {}, varied = {}, valueAt = ahnb.valueAt;
    var metricNames = data.metrics.map(function (m) { return m.name; });
    data.metrics.forEach(function (m) { metrics[m.name] = m; });
    data.varied.forEach(function (p) { varied[p] = true; });
    var fixed = {
      rank: { numeric: true, get: function (r) { return r.rank; } },
      run: { get: function (r) { return r.name; } },
      status: { get: function (r) { return r.status; } },
      progress: { numeric: true, isProgress: true, get: function (r) { return r.progress; } },
      duration: { numeric: true, isDuration: true, get: function (r) { return r.duration; }, text: function (r) { return duration(r.duration) || "—"; } },
      steps: { numeric: true, get: function (r) { return r.steps; } }
    };
    return data.table.map(function (spec) {
      var c = { key: spec.key, label: spec.label, sub: spec.sub, title: spec.title, visible: true };
      var colon = spec.key.indexOf(":"), kind = colon < 0 ? spec.key : spec.key.slice(0, colon), name = spec.key.slice(colon + 1);
      // Values by position in the runs' records (ahnb.valueAt): every run is read at load.
      if (kind === "best" || kind === "last") {
        c.metric = metrics[name]; c.numeric = true; c.last = kind === "last";
        var m = metricNames.indexOf(name);
        c.get = kind === "best" ? function (r) { return valueAt(r.best, m); } : function (r) { return valueAt(r.last, m); };
      } else if (kind === "param") {
        c.param = true; c.varied = !!varied[name]; c.visible = c.varied;
        var p = data.params.indexOf(name);
        c.get = function (r) { return valueAt(r.params, p); };
        c.numeric = data.runs.every(function (r) { var v = c.get(r); return v === undefined || typeof v === "number"; });
        // As the static table writes them: 0.0000001, not 1e-7 nor 1.000e-7.
        c.text = function (r) { return format.param(c.get(r)); };
      } else {
        Object.keys(fixed[kind] || {}).forEach(function (k) { c[k] = fixed[kind][k]; });
        if (!c.get) c.get = function () { return undefined; };
      }
      return c;
    });
  }

  // `state` is ahnb.state.table: kept across live updates, which call `setData`.
  function ResultsTable(table, data, state) {
    this.table = table;
    this.s = state;
    this.setData(data);
  }

  ResultsTable.prototype.setData = function (data) {
    var s = this.s;
    this.data = data;
    this.cols = columnsFor(data);
    this.cols.forEach(function (c) { if (s.columns[c.key] !== undefined) c.visible = s.columns[c.key]; });
    if (s.fold === null) s.fold = data.runs.some(function (r) { return r.group; });
    this.canFold = data.runs.some(function (r) { return r.group; });
    this.terms = ahnb.filter.parse(s.filter);
    this.selection = ahnb.selection;
    this.best = this.bestValues();
    if (!this.column(s.sortKey)) { s.sortKey = "rank"; s.asc = true; }
  };

  ResultsTable.prototype.bestValues = function () {
    var best = {};
    var runs = this.data.runs;
    this.cols.forEach(function (c) {
      if (!c.metric || c.last || !c.metric.direction) return;
      var vals = runs.map(c.get).filter(isNum);
      if (vals.length) best[c.key] = c.metric.direction === "up" ? Math.max.apply(null, vals) : Math.min.apply(null, vals);
    });
    return best;
  };

  // The column with this exact key (sorting, the chooser); the filter names columns its own way.
  ResultsTable.prototype.column = function (key) {
    for (var i = 0; i < this.cols.length; i++) if (this.cols[i].key === key) return this.cols[i];
    return null;
  };

  // Runs brushed on the parallel coordinates (parallel.js), when a brush is set, and the filter.
  ResultsTable.prototype.matches = function (r) {
    if (this.selection && !this.selection[r.i]) return false;
    // No filter: every run (building each run's searchable text cost 10,000 strings a render).
    if (!this.terms.length) return true;
    // Built once per run and kept: each key typed in the filter matches every run again.
    var text = r.searchText || (r.searchText = searchText(r, this.data.params));
    return ahnb.filter.matches(this.terms, this.cols, { text: text, value: function (c) { return c.get(r); } });
  };

  // Text as localeCompare(…, { numeric: true }) orders it, with one collator for every
  // comparison: localeCompare with options builds one per call, and sorting 10,000 runs by
  // name makes some 130,000 calls.
  // Made on the first sort by text: making one takes some 30 ms, at load, on a slow machine.
  var collator = null;
  function compareText(x, y) {
    if (!collator) collator = new Intl.Collator(undefined, { numeric: true });
    return collator.compare(x, y);
  }

  // Numbers as numbers; missing (and NaN) always last, whichever the direction; ties in the
  // data's order. `a` and `b` are {run, key}: each run's sort value is read once per sort, not
  // once per comparison (a sort of 10,000 runs compares some 130,000 times).
  ResultsTable.prototype.compare = function (a, b, c) {
    var x = a.key, y = b.key;
    var mx = x === undefined || x === null || (c.numeric && !isNum(x));
    var my = y === undefined || y === null || (c.numeric && !isNum(y));
    if (mx && my) return a.run.i - b.run.i;
    if (mx) return 1;
    if (my) return -1;
    var r = c.numeric ? x - y : compareText(String(x), String(y));
    if (r === 0) return a.run.i - b.run.i;
    return this.s.asc ? r : -r;
  };

  ResultsTable.prototype.visibleRuns = function () {
    var self = this;
    var c = this.column(this.s.sortKey), keyed = [];
    this.data.runs.forEach(function (r) { if (self.matches(r)) keyed.push({ run: r, key: c.get(r) }); });
    keyed.sort(function (a, b) { return self.compare(a, b, c); });
    return keyed.map(function (k) { return k.run; });
  };

  // Rows in display order: with folding, each seed group becomes one summary row placed where
  // its first member would be, followed by its members when opened.
  ResultsTable.prototype.displayRows = function (runs) {
    if (!this.s.fold) return runs.map(function (r) { return { run: r }; });
    // Maps, not objects: a group from a log can be named "constructor" or "__proto__", and
    // 3,000 groups are faster to find in a Map.
    var out = [], seen = new Set(), byGroup = new Map();
    runs.forEach(function (r) {
      if (!r.group) return;
      var members = byGroup.get(r.group);
      if (members) members.push(r); else byGroup.set(r.group, [r]);
    });
    var open = this.s.open;
    runs.forEach(function (r) {
      var members = r.group ? byGroup.get(r.group) : null;
      if (!members || members.length < 2) { out.push({ run: r }); return; }
      if (seen.has(r.group)) return;
      seen.add(r.group);
      out.push({ group: r.group, members: members });
      if (isOpen(open, r.group)) members.forEach(function (m) { out.push({ run: m, member: true }); });
    });
    return out;
  };

  ResultsTable.prototype.renderHead = function () {
    var self = this, tr = el("tr");
    tr.appendChild(el("th", { scope: "col", "class": "pick" }, ""));
    this.cols.forEach(function (c) {
      if (!c.visible) return;
      var th = el("th", { scope: "col", tabindex: "0", "data-key": c.key, "class": (c.metric ? "metric" : "") + (c.last ? " last" : "") + (c.metric && c.metric.name === self.data.primary && !c.last ? " primary" : "") });
      th.textContent = c.label;
      if (c.title) th.title = c.title;
      if (c.sub) { th.appendChild(document.createTextNode(" ")); th.appendChild(el("span", { "class": "sub" }, c.sub)); }
      if (c.key === self.s.sortKey) th.setAttribute("aria-sort", self.s.asc ? "ascending" : "descending");
      function sort() {
        if (self.s.sortKey === c.key) self.s.asc = !self.s.asc;
        else { self.s.sortKey = c.key; self.s.asc = !(c.metric && !c.last && c.metric.direction === "up"); }
        self.s.page = 0;
        self.render();
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
      tr.appendChild(th);
    });
    var thead = this.table.tHead;
    thead.textContent = "";
    thead.appendChild(tr);
  };

  ResultsTable.prototype.cell = function (c, r) {
    var v = c.get(r), td = el("td");
    if (c.key === "run") {
      td.className = "run-name";
      var sw = el("span", { "class": "swatch" });
      sw.style.background = ahnb.runColour ? ahnb.runColour(r) : r.color;
      sw.setAttribute("data-colour", r.color);
      td.appendChild(sw);
      td.appendChild(el("a", { href: r.href }, r.name));
      if (r.seed !== null && r.seed !== undefined) td.appendChild(el("span", { "class": "muted" }, " seed " + r.seed));
      return td;
    }
    if (c.key === "status") { td.appendChild(el("span", { "class": "badge status-" + r.status }, r.status)); return td; }
    if (c.isProgress) {
      td.className = "progress-cell";
      if (!isNum(v)) { td.textContent = "—"; return td; }
      var bar = el("progress", { max: "100", value: String(Math.floor(v * 100)) }, Math.floor(v * 100) + " %");
      td.appendChild(bar);
      td.appendChild(document.createTextNode(" " + r.progressText));
      // As the static table: a space, then the time left.
      if (r.left) { td.appendChild(document.createTextNode(" ")); td.appendChild(el("span", { "class": "muted" }, r.left)); }
      return td;
    }
    td.textContent = c.text ? c.text(r) : fmt(v);
    if (c.numeric) td.className = "num" + (c.last ? " last" : "");
    if (this.best[c.key] !== undefined && v === this.best[c.key]) td.className += " best-cell";
    return td;
  };

  ResultsTable.prototype.groupRow = function (g) {
    var self = this, tr = el("tr", { "class": "group-row", "data-group": g.group });
    var td0 = el("td", { "class": "pick" });
    tr.appendChild(td0);
    this.cols.forEach(function (c) {
      if (!c.visible) return;
      var td = el("td");
      if (c.key === "run") {
        // As wide as a run's name (style.css .run-name): squeezed, a group's label wrapped
        // at every hyphen and each folded row stood four lines tall.
        td.className = "run-name";
        var open = isOpen(self.s.open, g.group);
        var b = el("button", { type: "button", "class": "fold", "aria-expanded": open ? "true" : "false" }, (open ? "▾ " : "▸ ") + g.group);
        // Defined, not assigned: assigning a group named "__proto__" would change no key.
        b.addEventListener("click", function () { Object.defineProperty(self.s.open, g.group, { value: !open, writable: true, enumerable: true, configurable: true }); self.render(); });
        td.appendChild(b);
        td.appendChild(el("span", { "class": "muted" }, " " + g.members.length + " seeds"));
      } else if (c.key === "status") {
        var counts = {};
        g.members.forEach(function (m) { counts[m.status] = (counts[m.status] || 0) + 1; });
        Object.keys(counts).sort().forEach(function (s) { td.appendChild(el("span", { "class": "badge status-" + s }, counts[s] + " " + s)); td.appendChild(document.createTextNode(" ")); });
      } else if (c.param) {
        var values = g.members.map(c.get).map(String);
        td.textContent = values.every(function (v) { return v === values[0]; }) ? values[0] : "…";
        if (c.numeric) td.className = "num";
      } else if (c.isDuration) {
        var ds = g.members.map(c.get).filter(isNum);
        if (ds.length) td.textContent = ds.length > 1 ? duration(mean(ds)) + " ± " + duration(std(ds)) : duration(ds[0]);
        td.className = "num";
      } else if (c.numeric && c.key !== "rank" && !c.isProgress) {
        var xs = g.members.map(c.get).filter(isNum);
        if (xs.length) td.textContent = xs.length > 1 ? format.plusMinus(mean(xs), std(xs)) : fmt(xs[0]);
        td.className = "num" + (c.last ? " last" : "");
      }
      tr.appendChild(td);
    });
    return tr;
  };

  ResultsTable.prototype.render = function () {
    var self = this;
    this.renderHead();
    var runs = this.visibleRuns();
    this.shownRuns = runs;
    var rows = this.displayRows(runs);
    var pages = Math.max(1, Math.ceil(rows.length / PAGE));
    if (this.s.page >= pages) this.s.page = pages - 1;
    var body = this.table.tBodies[0];
    var frag = document.createDocumentFragment();
    rows.slice(this.s.page * PAGE, (this.s.page + 1) * PAGE).forEach(function (row) {
      if (row.group) { frag.appendChild(self.groupRow(row)); return; }
      var r = row.run;
      var tr = el("tr", { "data-status": r.status, "data-run": String(r.i), "class": row.member ? "member" : "" });
      var pick = el("td", { "class": "pick" });
      var box = el("input", { type: "checkbox", "aria-label": "compare " + r.name });
      box.checked = !!self.s.selected[r.href];
      box.addEventListener("change", function () { self.s.selected[r.href] = box.checked; self.updateCompare(); });
      pick.appendChild(box);
      tr.appendChild(pick);
      self.cols.forEach(function (c) { if (c.visible) tr.appendChild(self.cell(c, r)); });
      frag.appendChild(tr);
    });
    body.textContent = "";
    body.appendChild(frag);
    if (this.counter) this.counter.textContent = runs.length + " of " + this.data.runs.length + " runs" + (this.selection ? " (brushed on the parallel coordinates)" : "");
    if (this.pager) {
      this.pager.hidden = pages < 2;
      this.pager.querySelector(".page-label").textContent = "page " + (this.s.page + 1) + " of " + pages;
      this.pager.querySelector(".prev").disabled = this.s.page === 0;
      this.pager.querySelector(".next").disabled = this.s.page >= pages - 1;
    }
  };

  ResultsTable.prototype.csv = function () {
    var cols = this.cols.filter(function (c) { return c.visible; });
    function q(v) {
      if (v === undefined || v === null) return "";
      var s = String(v);
      return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    }
    var lines = [cols.map(function (c) { return q(c.label + (c.sub ? " (" + c.sub + ")" : "")); }).join(",")];
    this.shownRuns.forEach(function (r) { lines.push(cols.map(function (c) { return q(c.get(r)); }).join(",")); });
    return lines.join("\r\n") + "\r\n";
  };

  ResultsTable.prototype.updateCompare = function () {
    var ids = this.tickedRuns();
    if (this.compareButton) {
      this.compareButton.disabled = ids.length < 2;
      this.compareButton.textContent = "Compare" + (ids.length ? " (" + ids.length + ")" : "");
    }
  };

  // The ticked runs, in the data's order.
  ResultsTable.prototype.tickedRuns = function () {
    var s = this.s;
    return this.data.runs.filter(function (r) { return s.selected[r.href]; });
  };

  ResultsTable.prototype.fillChooser = function () {
    var self = this, list = this.chooserList;
    list.textContent = "";
    this.cols.forEach(function (c) {
      if (c.key === "run") return;
      var label = el("label");
      var box = el("input", { type: "checkbox", "data-key": c.key });
      box.checked = c.visible;
      box.addEventListener("change", function () { c.visible = self.s.columns[c.key] = box.checked; self.render(); });
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + c.label + (c.sub ? " (" + c.sub + ")" : "")));
      list.appendChild(label);
    });
  };

  ResultsTable.prototype.wire = function (section) {
    var self = this, s = this.s;
    this.section = section;
    this.counter = section.querySelector(".table-count");
    var tools = section.querySelector(".table-tools");
    var filter = section.querySelector("input.table-filter");
    document.addEventListener("ahnb:selection", function (e) {
      if (ahnb.resultsTable() !== self) return;
      self.selection = e.detail; s.page = 0; self.render();
    });
    if (s.filter) filter.value = s.filter;
    filter.addEventListener("input", function () { s.filter = filter.value; self.terms = ahnb.filter.parse(s.filter); s.page = 0; self.render(); });

    var constant = section.querySelector("input.toggle-constant");
    if (constant) constant.checked = this.cols.some(function (c) { return c.param && !c.varied && c.visible; });
    if (constant) constant.addEventListener("change", function () {
      self.cols.forEach(function (c) { if (c.param && !c.varied) c.visible = s.columns[c.key] = constant.checked; });
      self.fillChooser(); self.render();
    });

    if (this.canFold) {
      var foldLabel = el("label", { "class": "toggle" });
      var foldBox = el("input", { type: "checkbox", "class": "toggle-fold" });
      foldBox.checked = s.fold;
      foldBox.addEventListener("change", function () { s.fold = foldBox.checked; self.render(); });
      foldLabel.appendChild(foldBox);
      foldLabel.appendChild(document.createTextNode(" fold seed groups (mean ± std)"));
      tools.appendChild(foldLabel);
    }

    var chooser = el("details", { "class": "columns-chooser" });
    chooser.appendChild(el("summary", {}, "Columns"));
    this.chooserList = el("div", { "class": "chooser-list" });
    chooser.appendChild(this.chooserList);
    this.fillChooser();
    tools.appendChild(chooser);

    var download = el("button", { type: "button", "class": "download-csv" }, "Download visible rows (CSV)");
    download.addEventListener("click", function () {
      var blob = new Blob([self.csv()], { type: "text/csv" });
      var a = el("a", { href: URL.createObjectURL(blob), download: (document.title.split(" ·")[0] || "runs") + ".csv" });
      document.body.appendChild(a); a.click(); a.remove();
    });
    tools.appendChild(download);

    var panel = section.parentNode.querySelector(".compare-panel");
    this.compareButton = el("button", { type: "button", "class": "compare-button", disabled: "" }, "Compare");
    this.compareButton.addEventListener("click", function () { if (ahnb.compare) ahnb.compare(panel, self.tickedRuns(), self.data); });
    tools.appendChild(this.compareButton);
    tools.appendChild(el("span", { "class": "muted" }, "tick runs to compare"));

    this.pager = el("div", { "class": "pager" });
    var prev = el("button", { type: "button", "class": "prev" }, "← previous");
    var next = el("button", { type: "button", "class": "next" }, "next →");
    prev.addEventListener("click", function () { s.page--; self.render(); });
    next.addEventListener("click", function () { s.page++; self.render(); });
    this.pager.appendChild(prev); this.pager.appendChild(el("span", { "class": "page-label" })); this.pager.appendChild(next);
    section.appendChild(this.pager);
    this.updateCompare();
    this.render();
  };

  // Binds the table once; after a live update shows the new data with the same sort, filter,
  // page, folds, ticks and columns: in the same table when only the page's data or the table
  // element changed, with a new toolbar when its section was replaced too (live.js replaces
  // the whole <main> when a page's structure changed).
  var live = null;
  ahnb.register("results", function () {
    var table = document.getElementById("results");
    var data = ahnb.projectData();
    if (!table || !data || !data.table) return;
    if (live && live.data === data && live.table === table) return;
    table.classList.add("live");
    var section = table.closest("section");
    if (live && live.section === section) {
      live.table = table;
      live.setData(data); live.fillChooser(); live.updateCompare(); live.render();
      return;
    }
    var state = ahnb.state.table || (ahnb.state.table = { sortKey: "rank", asc: true, filter: "", page: 0, fold: null, open: {}, selected: {}, columns: {} });
    live = new ResultsTable(table, data, state);
    live.wire(section);
  });
  // The table now shown (an earlier one, left in a replaced section, stops listening).
  ahnb.resultsTable = function () { return live; };
})(window.ahnb);
