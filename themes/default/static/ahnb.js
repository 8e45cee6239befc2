// ahnb.js: the namespace every page script hangs off (`window.ahnb`), the UI state they keep,
// the page's data, and `refresh`, which binds the scripts to the page and, after live updates
// replace parts of it, to the new parts. No framework, no network; every page is complete
// without any script. Contract for live.js: IFACE-14.md ("webjs") and `refresh` below.
//
// The scripts, one concern each, run in this order (classic deferred scripts: they load from
// file://, where modules do not): format.js (numbers, ticks, durations as Rust writes them),
// ahnb.js, charts.js (hover, legend, zoom), chart-tools.js (smoothing, wall time, SVG download)
// on every page; media.js on run pages; filter.js (the filter grammar), results.js (the
// results table), compare.js, parallel.js (brushing), scatter.js, colour.js (colour-by,
// highlight) and deferred.js (parts kept as text until the page is interactive) on project pages. Rust <-> script contracts: tests/fixtures/contracts/.
(function (ahnb) {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  ahnb.SVGNS = SVGNS;

  // Every script's UI state, in one JSON-able object, so that re-binding new DOM (a live update)
  // shows what the reader had chosen: per chart (keyed by the chart data's id) the zoomed view,
  // the hidden legend entries (by label) and the step/wall-time choice; the smoothing; the
  // colour-by key; the parallel coordinates' brushes; the results table's sort, filter, page,
  // open groups, ticked runs and columns.
  ahnb.state = { smoothing: 0, colourBy: "", charts: {}, brushes: {}, table: null };
  ahnb.chartState = function (id) {
    return ahnb.state.charts[id] || (ahnb.state.charts[id] = { view: null, hidden: {}, time: false });
  };

  // Scripts join in with `register(name, bind)`; `bind(root)` wires the elements under root
  // that are not wired yet (see `once`) and applies the saved state to them.
  var binders = [];
  ahnb.register = function (name, bind) { binders.push({ name: name, bind: bind }); };
  // True the first time it is asked about `el` for `what`: how binders skip what they did.
  ahnb.once = function (el, what) {
    var done = el.__ahnbBound || (el.__ahnbBound = {});
    if (done[what]) return false;
    done[what] = true;
    return true;
  };
  ahnb.all = function (root, selector) {
    var list = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) list.unshift(root);
    return list;
  };

  // Binds every script to `root` (default: the whole page). Called once when the page has
  // loaded, and by live.js after it replaced elements under root; harmless to call twice.
  ahnb.refresh = function (root) {
    root = root || document;
    var dataEl = document.getElementById("project-data");
    if (dataEl && dataEl.textContent !== dataText) { dataCache = undefined; }
    binders.forEach(function (b) { b.bind(root); });
  };

  ahnb.svgEl = function (name, attrs, parent) {
    var el = document.createElementNS(SVGNS, name);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(el);
    return el;
  };

  // ---------------------------------------------------------------- the project page's data
  // Runs come as rows of values under the column names Rust wrote (render/project_data.rs);
  // they are turned into objects once, here, for every script. On a 10,000-run page this runs
  // once per load over every run, before the table can show anything, so each run is built by
  // one constructor (one shape for every run), and its params, best and last values are
  // records (below), not dictionaries: building 30,000 dictionaries key by key was most of
  // this wait (docs/BENCHMARKS.md, "Big projects in the browser").
  // What Rust leaves out of a row because it can be derived (render/project_data.rs `COLUMNS`):
  // a null href is the run's name as a page under runs/, and a group is an index into the
  // data's `groups`.
  var COLUMNS = ["name", "href", "rank", "status", "color", "group", "seed", "duration", "steps", "progress", "progressText", "left"];
  var RECORDS = { params: true, best: true, last: true };
  function Run(row, at, i, groups) {
    var href = row[at.href], group = row[at.group];
    this.i = i;
    this.name = row[at.name]; this.href = href == null ? "runs/" + this.name + ".html" : href;
    this.rank = row[at.rank]; this.status = row[at.status]; this.color = row[at.color];
    this.group = group == null ? group : groups[group]; this.seed = row[at.seed]; this.duration = row[at.duration];
    this.steps = row[at.steps]; this.progress = row[at.progress];
    this.progressText = row[at.progressText]; this.left = row[at.left];
    this.params = null; this.best = null; this.last = null; this.curves = null;
  }

  // A record type for one list of names: `new T(values)` reads `values[j]` as `names[j]` (a
  // missing value, null in the data, reads as undefined), through getters on the prototype. A
  // name from a log can be anything, "__proto__" and "constructor" too: each is a property of
  // the prototype, never of Object.prototype, and the values sit under a symbol no name can be.
  var VALUES = Symbol("values"), NONE = [];
  function recordType(names) {
    function Record(values) { this[VALUES] = values || NONE; }
    names.forEach(function (name, j) {
      Object.defineProperty(Record.prototype, name, {
        enumerable: true,
        get: function () { var v = this[VALUES][j]; return v === null ? undefined : v; }
      });
    });
    return Record;
  }
  // The value at position `j` of a record (undefined when missing): what `record[name]` reads,
  // for loops over every run, where a getter reached by many names runs far slower.
  ahnb.valueAt = function (record, j) { var v = record[VALUES][j]; return v === null ? undefined : v; };

  function expandRuns(data) {
    var columns = data.columns, ncol = columns.length, at = {}, extra = [], k;
    for (k = 0; k < ncol; k++) {
      at[columns[k]] = k;
      // A column this script does not know yet (a newer Rust), copied by name.
      if (COLUMNS.indexOf(columns[k]) < 0 && !RECORDS[columns[k]]) extra.push(k);
    }
    COLUMNS.forEach(function (c) { if (at[c] === undefined) at[c] = -1; });
    var Params = recordType(data.params), Values = recordType(data.metrics.map(function (m) { return m.name; }));
    var rows = data.rows, runs = new Array(rows.length), groups = data.groups || [];
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i], run = new Run(row, at, i, groups);
      run.params = new Params(row[at.params]);
      run.best = new Values(row[at.best]);
      run.last = new Values(row[at.last]);
      for (k = 0; k < extra.length; k++) run[columns[extra[k]]] = row[extra[k]];
      runs[i] = run;
    }
    data.runs = runs;
    delete data.rows;
    return data;
  }

  var dataCache, dataText;
  // The page's data (null on pages without it); parsed again after live.js replaced it.
  ahnb.projectData = function () {
    if (dataCache !== undefined) return dataCache;
    var el = document.getElementById("project-data");
    dataCache = null;
    curvesState = null;
    if (el) {
      dataText = el.textContent;
      try { dataCache = expandRuns(JSON.parse(dataText)); } catch (e) { dataCache = null; }
    }
    return dataCache;
  };

  // The compare view's curves live in a script beside the page (compare-curves.js, written by
  // Rust), loaded the first time they are wanted; `done` runs once they are attached to the
  // runs (or could not be loaded).
  var curvesState = null, curvesWaiting = [];
  ahnb.loadCurves = function (done) {
    var data = ahnb.projectData(), el = document.getElementById("project-data");
    if (!data || !el || !el.getAttribute("data-curves") || curvesState === "failed") return done();
    if (curvesState === "loaded") return done();
    curvesWaiting.push(done);
    if (curvesState === "loading") return;
    curvesState = "loading";
    var script = document.createElement("script");
    script.src = el.getAttribute("data-curves");
    function finish(state) {
      curvesState = state;
      var c = window.ahnbCurves;
      if (state === "loaded" && c && c.runs) {
        Object.keys(c.runs).forEach(function (i) {
          var run = data.runs[+i], out = {};
          if (!run) return;
          c.metrics.forEach(function (name, k) { if (c.runs[i][k]) out[name] = c.runs[i][k]; });
          run.curves = out;
        });
      }
      var waiting = curvesWaiting; curvesWaiting = [];
      waiting.forEach(function (f) { f(); });
    }
    script.onload = function () { finish("loaded"); };
    script.onerror = function () { finish("failed"); };
    document.head.appendChild(script);
  };

  document.addEventListener("DOMContentLoaded", function () { ahnb.refresh(document); });
})(window.ahnb = window.ahnb || {});
