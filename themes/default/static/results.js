// ahnb: the project page's results table, rendered from the page's JSON data so that it stays
// fast with thousands of runs (one page of rows in the DOM at a time). Sorting, filtering,
// seed-group folding, a column chooser, CSV download of the visible rows, and a compare view.
// Without JavaScript the server-rendered table (every column, every run) remains.
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var PAGE = 100;

  // One number formatter, one duration, one ± rule and one filter grammar for every page
  // script: ahnb.js (loaded first) defines them.
  var shared = window.ahnbShared;
  var fmt = shared.number, isNum = shared.isNum, duration = shared.duration, parseFilter = shared.parseFilter;
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

  function columnsFor(data) {
    var cols = [
      { key: "rank", label: "#", numeric: true, get: function (r) { return r.rank; }, visible: true },
      { key: "run", label: "Run", get: function (r) { return r.name; }, visible: true }
    ];
    var metrics = data.metrics.slice();
    metrics.sort(function (a, b) { return (b.name === data.primary) - (a.name === data.primary); });
    function metricColumns(m) {
      cols.push({ key: "best:" + m.name, label: m.name, sub: "best", metric: m, numeric: true,
        get: function (r) { return r.best[m.name]; }, visible: true });
      cols.push({ key: "last:" + m.name, label: m.name, sub: "last", metric: m, numeric: true, last: true,
        get: function (r) { return r.last[m.name]; }, visible: true });
    }
    // The ranking metric right after the run's name: what the table is sorted by comes first.
    if (metrics.length && metrics[0].name === data.primary) metricColumns(metrics.shift());
    cols.push({ key: "status", label: "Status", get: function (r) { return r.status; }, visible: true });
    if (data.runs.some(function (r) { return isNum(r.progress); })) {
      cols.push({ key: "progress", label: "Progress", numeric: true, isProgress: true, get: function (r) { return r.progress; }, visible: true });
    }
    cols.push({ key: "duration", label: "Duration", numeric: true, isDuration: true, get: function (r) { return r.duration; }, text: function (r) { return r.durationText || "—"; }, visible: true });
    cols.push({ key: "steps", label: "Steps logged", title: "steps logged (a count; the last step's index is on the run page)", numeric: true, get: function (r) { return r.steps; }, visible: true });
    var varied = {};
    data.varied.forEach(function (p) { varied[p] = true; });
    data.varied.concat(data.params.filter(function (p) { return !varied[p]; })).forEach(function (p) {
      var numeric = data.runs.every(function (r) { var v = r.params[p]; return v === undefined || typeof v === "number"; });
      // Hyperparameters are shown as written (0.001, not 0.001000).
      cols.push({ key: "param:" + p, label: p, param: true, varied: !!varied[p], numeric: numeric,
        get: function (r) { return r.params[p]; }, text: function (r) { var v = r.params[p]; return v === undefined ? "" : String(v); },
        visible: !!varied[p] });
    });
    metrics.forEach(metricColumns);
    return cols;
  }

  function ResultsTable(table, data) {
    this.table = table;
    this.data = data;
    this.cols = columnsFor(data);
    this.sortKey = "rank";
    this.asc = true;
    this.terms = [];
    this.page = 0;
    this.fold = data.runs.some(function (r) { return r.group; });
    this.open = {};
    this.selected = {};
    this.best = this.bestValues();
  }

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

  ResultsTable.prototype.column = function (key) {
    var cols = this.cols;
    for (var i = 0; i < cols.length; i++) if (cols[i].key === key) return cols[i];
    for (var j = 0; j < cols.length; j++) if (!cols[j].last && cols[j].label.toLowerCase() === key) return cols[j];
    for (var k = 0; k < cols.length; k++) if (cols[k].label.toLowerCase().indexOf(key) === 0) return cols[k];
    return null;
  };

  ResultsTable.prototype.matches = function (r) {
    var self = this;
    // Runs brushed on the parallel coordinates (ahnb.js), when a brush is set.
    if (this.selection && !this.selection[r.i]) return false;
    return this.terms.every(function (t) {
      if (t.text !== undefined) {
        var hay = [r.name, r.status, r.group || ""].concat(Object.keys(r.params).map(function (k) { return k + "=" + r.params[k]; }));
        return hay.join(" ").toLowerCase().indexOf(t.text) >= 0;
      }
      var c = self.column(t.key);
      if (!c) return false;
      var v = c.get(r);
      if (v === undefined || v === null) return false;
      if (t.op === ":") return String(v).toLowerCase().indexOf(t.value) >= 0;
      var x = typeof v === "number" ? v : parseFloat(v), y = parseFloat(t.value);
      var numeric = isNum(x) && !isNaN(y);
      switch (t.op) {
        case "<": return numeric && x < y;
        case ">": return numeric && x > y;
        case "<=": return numeric && x <= y;
        case ">=": return numeric && x >= y;
        case "=": return numeric ? x === y : String(v).toLowerCase() === t.value;
        case "!=": return numeric ? x !== y : String(v).toLowerCase() !== t.value;
      }
      return false;
    });
  };

  // Numbers as numbers; missing (and NaN) always last, whichever the direction.
  ResultsTable.prototype.compare = function (a, b) {
    var c = this.column(this.sortKey), x = c.get(a), y = c.get(b);
    var mx = x === undefined || x === null || (c.numeric && !isNum(x));
    var my = y === undefined || y === null || (c.numeric && !isNum(y));
    if (mx && my) return a.i - b.i;
    if (mx) return 1;
    if (my) return -1;
    var r = c.numeric ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    if (r === 0) return a.i - b.i;
    return this.asc ? r : -r;
  };

  ResultsTable.prototype.visibleRuns = function () {
    var self = this;
    return this.data.runs.filter(function (r) { return self.matches(r); }).sort(function (a, b) { return self.compare(a, b); });
  };

  // Rows in display order: with folding, each seed group becomes one summary row placed where
  // its first member would be, followed by its members when opened.
  ResultsTable.prototype.displayRows = function (runs) {
    if (!this.fold) return runs.map(function (r) { return { run: r }; });
    var out = [], seen = {}, byGroup = {};
    runs.forEach(function (r) { if (r.group) (byGroup[r.group] = byGroup[r.group] || []).push(r); });
    var self = this;
    runs.forEach(function (r) {
      if (!r.group || byGroup[r.group].length < 2) { out.push({ run: r }); return; }
      if (seen[r.group]) return;
      seen[r.group] = true;
      out.push({ group: r.group, members: byGroup[r.group] });
      if (self.open[r.group]) byGroup[r.group].forEach(function (m) { out.push({ run: m, member: true }); });
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
      if (c.key === self.sortKey) th.setAttribute("aria-sort", self.asc ? "ascending" : "descending");
      function sort() {
        if (self.sortKey === c.key) self.asc = !self.asc;
        else { self.sortKey = c.key; self.asc = !(c.metric && !c.last && c.metric.direction === "up"); }
        self.page = 0;
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
      sw.style.background = r.color;
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
      if (r.left) td.appendChild(el("span", { "class": "muted" }, r.left));
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
        var open = !!self.open[g.group];
        var b = el("button", { type: "button", "class": "fold", "aria-expanded": open ? "true" : "false" }, (open ? "▾ " : "▸ ") + g.group);
        b.addEventListener("click", function () { self.open[g.group] = !open; self.render(); });
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
        if (xs.length) td.textContent = xs.length > 1 ? shared.plusMinus(mean(xs), std(xs)) : fmt(xs[0]);
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
    if (this.page >= pages) this.page = pages - 1;
    var body = this.table.tBodies[0];
    var frag = document.createDocumentFragment();
    rows.slice(this.page * PAGE, (this.page + 1) * PAGE).forEach(function (row) {
      if (row.group) { frag.appendChild(self.groupRow(row)); return; }
      var r = row.run;
      var tr = el("tr", { "data-status": r.status, "data-run": String(r.i), "class": row.member ? "member" : "" });
      var pick = el("td", { "class": "pick" });
      var box = el("input", { type: "checkbox", "aria-label": "compare " + r.name });
      box.checked = !!self.selected[r.i];
      box.addEventListener("change", function () { self.selected[r.i] = box.checked; self.updateCompare(); });
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
      this.pager.querySelector(".page-label").textContent = "page " + (this.page + 1) + " of " + pages;
      this.pager.querySelector(".prev").disabled = this.page === 0;
      this.pager.querySelector(".next").disabled = this.page >= pages - 1;
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
    var ids = Object.keys(this.selected).filter(function (k) { return this.selected[k]; }, this);
    if (this.compareButton) {
      this.compareButton.disabled = ids.length < 2;
      this.compareButton.textContent = "Compare" + (ids.length ? " (" + ids.length + ")" : "");
    }
  };

  // ---------------------------------------------------------------- compare view
  function drawLines(title, series) {
    var W = 560, H = 300, L = 70, R = 16, T = 28, B = 40;
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("class", "chart compare-chart");
    function add(name, attrs, text) {
      var e = document.createElementNS(SVGNS, name);
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
      if (text !== undefined) e.textContent = text;
      svg.appendChild(e);
      return e;
    }
    add("rect", { width: W, height: H, fill: "#ffffff" });
    add("text", { x: W / 2, y: 18, "text-anchor": "middle", "font-size": 14, "font-family": "sans-serif", fill: "#1b1f24" }, title);
    var xs = [], ys = [];
    series.forEach(function (s) { s.x.forEach(function (v) { xs.push(v); }); s.y.forEach(function (v) { if (isNum(v)) ys.push(v); }); });
    if (!xs.length || !ys.length) return svg;
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs), y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    if (x0 === x1) { x0 -= 1; x1 += 1; }
    if (y0 === y1) { y0 -= 1; y1 += 1; }
    var pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
    function px(v) { return L + (v - x0) / (x1 - x0) * (W - L - R); }
    function py(v) { return H - B - (v - y0) / (y1 - y0) * (H - T - B); }
    add("rect", { x: L, y: T, width: W - L - R, height: H - T - B, fill: "none", stroke: "#d8dde3" });
    [0, 0.5, 1].forEach(function (t) {
      add("text", { x: L - 6, y: py(y0 + t * (y1 - y0)), dy: "0.35em", "text-anchor": "end", "font-size": 12, "font-family": "sans-serif", fill: "#5b6470" }, fmt(y0 + t * (y1 - y0)));
      add("text", { x: px(x0 + t * (x1 - x0)), y: H - B + 16, "text-anchor": "middle", "font-size": 12, "font-family": "sans-serif", fill: "#5b6470" }, fmt(Math.round(x0 + t * (x1 - x0))));
    });
    add("text", { x: (W + L) / 2, y: H - 6, "text-anchor": "middle", "font-size": 12, "font-family": "sans-serif", fill: "#5b6470" }, "step");
    series.forEach(function (s) {
      var d = "", pen = false;
      for (var i = 0; i < s.x.length; i++) {
        if (!isNum(s.y[i])) { pen = false; continue; }
        d += (pen ? "L" : "M") + px(s.x[i]).toFixed(1) + " " + py(s.y[i]).toFixed(1);
        pen = true;
      }
      var p = add("path", { d: d, fill: "none", stroke: s.color, "stroke-width": 2, "class": "series", "data-run": s.run });
      var t = document.createElementNS(SVGNS, "title"); t.textContent = s.label; p.appendChild(t);
    });
    return svg;
  }

  ResultsTable.prototype.showCompare = function (panel) {
    var self = this;
    if (!this.curvesAsked && window.ahnbLoadCurves) {
      this.curvesAsked = true;
      panel.hidden = false;
      panel.textContent = "Loading curves…";
      window.ahnbLoadCurves(function () { self.showCompare(panel); });
      return;
    }
    var runs = this.data.runs.filter(function (r) { return self.selected[r.i]; });
    panel.textContent = "";
    panel.hidden = false;
    var head = el("div", { "class": "compare-head" });
    head.appendChild(el("h3", {}, "Comparing " + runs.length + " runs"));
    var close = el("button", { type: "button", "class": "compare-close" }, "Close");
    close.addEventListener("click", function () { panel.hidden = true; });
    head.appendChild(close);
    panel.appendChild(head);
    var legend = el("p", { "class": "compare-legend" });
    runs.forEach(function (r) {
      var sw = el("span", { "class": "swatch" }); sw.style.background = r.color;
      legend.appendChild(sw); legend.appendChild(el("a", { href: r.href }, r.name)); legend.appendChild(document.createTextNode("  "));
    });
    panel.appendChild(legend);
    // Only the hyperparameters that differ between the chosen runs.
    var keys = this.data.params.filter(function (k) {
      var vals = runs.map(function (r) { return JSON.stringify(r.params[k]); });
      return vals.some(function (v) { return v !== vals[0]; });
    });
    if (keys.length) {
      var t = el("table", { "class": "compare-params" }), hr = el("tr");
      hr.appendChild(el("th", { scope: "col" }, "hyperparameter"));
      runs.forEach(function (r) { hr.appendChild(el("th", { scope: "col" }, r.name)); });
      t.appendChild(el("thead")).appendChild(hr);
      var tb = t.appendChild(el("tbody"));
      keys.forEach(function (k) {
        var tr = el("tr");
        tr.appendChild(el("th", { scope: "row" }, k));
        runs.forEach(function (r) { tr.appendChild(el("td", {}, r.params[k] === undefined ? "–" : fmt(r.params[k]))); });
        tb.appendChild(tr);
      });
      var wrap = el("div", { "class": "table-wrap" }); wrap.appendChild(t); panel.appendChild(wrap);
    } else {
      panel.appendChild(el("p", { "class": "muted" }, "These runs share every hyperparameter."));
    }
    var missing = runs.filter(function (r) { return !r.curves; });
    if (missing.length) panel.appendChild(el("p", { "class": "muted" }, "No curves embedded for " + missing.map(function (r) { return r.name; }).join(", ") + " (only the best-ranked runs carry them); open their run pages."));
    var grid = el("div", { "class": "compare-charts" });
    this.data.metrics.forEach(function (m) {
      var series = runs.filter(function (r) { return r.curves && r.curves[m.name]; }).map(function (r) {
        return { label: r.name, color: r.color, run: r.i, x: r.curves[m.name][0], y: r.curves[m.name][1] };
      });
      if (series.length) grid.appendChild(drawLines(m.name, series));
    });
    panel.appendChild(grid);
    panel.scrollIntoView({ block: "start" });
  };

  ResultsTable.prototype.wire = function (section) {
    var self = this;
    this.counter = section.querySelector(".table-count");
    var tools = section.querySelector(".table-tools");
    var filter = section.querySelector("input.table-filter");
    document.addEventListener("ahnb:selection", function (e) { self.selection = e.detail; self.page = 0; self.render(); });
    filter.addEventListener("input", function () { self.terms = parseFilter(filter.value); self.page = 0; self.render(); });

    var constant = section.querySelector("input.toggle-constant");
    if (constant) constant.addEventListener("change", function () {
      self.cols.forEach(function (c) { if (c.param && !c.varied) c.visible = constant.checked; });
      self.syncChooser(); self.render();
    });

    if (this.fold) {
      var foldLabel = el("label", { "class": "toggle" });
      var foldBox = el("input", { type: "checkbox", "class": "toggle-fold" });
      foldBox.checked = true;
      foldBox.addEventListener("change", function () { self.fold = foldBox.checked; self.render(); });
      foldLabel.appendChild(foldBox);
      foldLabel.appendChild(document.createTextNode(" fold seed groups (mean ± std)"));
      tools.appendChild(foldLabel);
    }

    var chooser = el("details", { "class": "columns-chooser" });
    chooser.appendChild(el("summary", {}, "Columns"));
    var list = el("div", { "class": "chooser-list" });
    this.cols.forEach(function (c) {
      if (c.key === "run") return;
      var label = el("label");
      var box = el("input", { type: "checkbox", "data-key": c.key });
      box.checked = c.visible;
      box.addEventListener("change", function () { c.visible = box.checked; self.render(); });
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + c.label + (c.sub ? " (" + c.sub + ")" : "")));
      list.appendChild(label);
    });
    chooser.appendChild(list);
    tools.appendChild(chooser);
    this.syncChooser = function () {
      Array.prototype.forEach.call(list.querySelectorAll("input"), function (box) { box.checked = self.column(box.getAttribute("data-key")).visible; });
    };

    var download = el("button", { type: "button", "class": "download-csv" }, "Download visible rows (CSV)");
    download.addEventListener("click", function () {
      var blob = new Blob([self.csv()], { type: "text/csv" });
      var a = el("a", { href: URL.createObjectURL(blob), download: (document.title.split(" ·")[0] || "runs") + ".csv" });
      document.body.appendChild(a); a.click(); a.remove();
    });
    tools.appendChild(download);

    var panel = section.parentNode.querySelector(".compare-panel");
    this.compareButton = el("button", { type: "button", "class": "compare-button", disabled: "" }, "Compare");
    this.compareButton.addEventListener("click", function () { self.showCompare(panel); });
    tools.appendChild(this.compareButton);
    tools.appendChild(el("span", { "class": "muted" }, "tick runs to compare"));

    this.pager = el("div", { "class": "pager" });
    var prev = el("button", { type: "button", "class": "prev" }, "← previous");
    var next = el("button", { type: "button", "class": "next" }, "next →");
    prev.addEventListener("click", function () { self.page--; self.render(); });
    next.addEventListener("click", function () { self.page++; self.render(); });
    this.pager.appendChild(prev); this.pager.appendChild(el("span", { "class": "page-label" })); this.pager.appendChild(next);
    section.appendChild(this.pager);
    this.render();
  };

  document.addEventListener("DOMContentLoaded", function () {
    var table = document.getElementById("results"), script = document.getElementById("project-data");
    if (!table || !script) return;
    // Parsed and expanded by ahnb.js, which runs first.
    var data = window.ahnbProjectData ? window.ahnbProjectData() : null;
    if (!data) return;
    table.classList.remove("sortable");
    table.classList.add("live");
    new ResultsTable(table, data).wire(table.closest("section"));
  });
})();
