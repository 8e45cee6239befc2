// ahnb compare.js: the project page's compare view of the runs ticked in the results table:
// their differing hyperparameters side by side and each metric's curves overlaid. The curves
// are loaded the first time the view opens (compare-curves.js beside the page, see
// ahnb.loadCurves), so a page most readers never compare on does not carry them.
(function (ahnb) {
  "use strict";
  var SVGNS = ahnb.SVGNS, format = ahnb.format, fmt = format.number, isNum = format.isNum;
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

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

  // Shows `runs` (ticked in the table) of the page's `data` in `panel`.
  function show(panel, runs, data) {
    // Asked again for new data from a live update (its runs carry no curves yet).
    if (panel.__ahnbCurvesFor !== data) {
      panel.__ahnbCurvesFor = data;
      panel.hidden = false;
      panel.textContent = "Loading curves…";
      ahnb.loadCurves(function () { show(panel, runs, data); });
      return;
    }
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
    var keys = data.params.filter(function (k) {
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
        runs.forEach(function (r) { tr.appendChild(el("td", {}, r.params[k] === undefined ? "–" : format.param(r.params[k]))); });
        tb.appendChild(tr);
      });
      var wrap = el("div", { "class": "table-wrap" }); wrap.appendChild(t); panel.appendChild(wrap);
    } else {
      panel.appendChild(el("p", { "class": "muted" }, "These runs share every hyperparameter."));
    }
    var missing = runs.filter(function (r) { return !r.curves; });
    if (missing.length) panel.appendChild(el("p", { "class": "muted" }, "No curves embedded for " + missing.map(function (r) { return r.name; }).join(", ") + " (only the best-ranked runs carry them); open their run pages."));
    var grid = el("div", { "class": "compare-charts" });
    data.metrics.forEach(function (m) {
      var series = runs.filter(function (r) { return r.curves && r.curves[m.name]; }).map(function (r) {
        return { label: r.name, color: r.color, run: r.i, x: r.curves[m.name][0], y: r.curves[m.name][1] };
      });
      if (series.length) grid.appendChild(drawLines(m.name, series));
    });
    panel.appendChild(grid);
    panel.scrollIntoView({ block: "start" });
  }

  ahnb.compare = show;
})(window.ahnb);
