// ahnb scatter.js: a scatter of any two numeric columns of the project page (metrics, best per
// run, and numeric hyperparameters), drawn from the page's data; the axes' choice is kept in
// ahnb.state.scatter (by label) and the chart is drawn again when a live update brings new data.
// It is drawn when it first comes near the viewport (see `drawWhenNear`).
(function (ahnb) {
  "use strict";
  var svgEl = ahnb.svgEl, fmt = ahnb.charts.fmt, tickRules = ahnb.ticks, tickLabel = ahnb.format.tick;

  function wireAnyScatter(data) {
    var fig = document.querySelector(".any-scatter");
    if (!fig || !data || data.runs.length < 2 || fig.__ahnbData === data) return;
    fig.__ahnbData = data;
    var options = [];
    data.metrics.forEach(function (m) { options.push({ label: "best " + m.name, get: function (r) { return r.best[m.name]; } }); });
    data.params.forEach(function (p) {
      if (data.runs.some(function (r) { return typeof r.params[p] === "number"; })) {
        options.push({ label: p, get: function (r) { return r.params[p]; } });
      }
    });
    if (options.length < 2) return;
    var sx = fig.querySelector(".any-x"), sy = fig.querySelector(".any-y"), box = fig.querySelector(".any-box");
    sx.textContent = ""; sy.textContent = "";
    options.forEach(function (o, i) {
      sx.appendChild(new Option(o.label, i));
      sy.appendChild(new Option(o.label, i));
    });
    var primary = options.findIndex(function (o) { return o.label === "best " + data.primary; });
    var firstParam = options.findIndex(function (o) { return o.label.indexOf("best ") !== 0 && data.varied.indexOf(o.label) >= 0; });
    sy.value = String(primary >= 0 ? primary : 0);
    sx.value = String(firstParam >= 0 ? firstParam : (primary === 0 ? 1 : 0));
    // The reader's choice, by label, from before a live update.
    var saved = ahnb.state.scatter, labels = options.map(function (o) { return o.label; });
    if (saved && labels.indexOf(saved.x) >= 0) sx.value = String(labels.indexOf(saved.x));
    if (saved && labels.indexOf(saved.y) >= 0) sy.value = String(labels.indexOf(saved.y));
    // The axis spans the data exactly (no accuracy past 1) with round ticks inside it; the
    // plot is inset a few pixels so that points at the ends are drawn whole.
    function axis(values) {
      var v = values.filter(function (x) { return typeof x === "number" && isFinite(x); });
      var lo = Math.min.apply(null, v), hi = Math.max.apply(null, v);
      var log = v.length > 0 && lo > 0 && hi / lo > 100;
      var ticks = log ? tickRules.y(lo, hi, true) : tickRules.nice(lo, hi, 6, false);
      if (log) { lo = Math.log10(lo); hi = Math.log10(hi); }
      if (lo === hi) { var pad = lo === 0 ? 1 : Math.abs(lo) * 0.1; lo -= pad; hi += pad; ticks = [log ? Math.pow(10, (lo + hi) / 2) : (lo + hi) / 2]; }
      if (!ticks.length) ticks = log ? [Math.pow(10, lo), Math.pow(10, hi)] : [lo, hi];
      return { lo: lo, hi: hi, log: log, ticks: ticks };
    }
    function draw() {
      var ox = options[+sx.value], oy = options[+sy.value];
      ahnb.state.scatter = { x: ox.label, y: oy.label };
      var W = 720, H = 400, L = 80, R = 24, T = 20, B = 56;
      box.textContent = "";
      var svg = svgEl("svg", { viewBox: "0 0 " + W + " " + H, "class": "chart any", role: "img", "aria-label": oy.label + " vs " + ox.label }, box);
      svgEl("rect", { width: W, height: H, fill: "#ffffff" }, svg);
      var xs = data.runs.map(ox.get), ys = data.runs.map(oy.get);
      var ax = axis(xs), ay = axis(ys);
      var INSET = 8;
      function px(v) { v = ax.log ? Math.log10(v) : v; return L + INSET + (v - ax.lo) / (ax.hi - ax.lo) * (W - L - R - 2 * INSET); }
      function py(v) { v = ay.log ? Math.log10(v) : v; return H - B - INSET - (v - ay.lo) / (ay.hi - ay.lo) * (H - T - B - 2 * INSET); }
      svgEl("rect", { x: L, y: T, width: W - L - R, height: H - T - B, fill: "none", stroke: "#d8dde3" }, svg);
      ax.ticks.forEach(function (v) {
        var gx = px(v);
        svgEl("line", { x1: gx, y1: T, x2: gx, y2: H - B, stroke: "#eef0f2" }, svg);
        svgEl("text", { "class": "x-tick", x: gx, y: H - B + 18, "text-anchor": "middle", "font-size": 13, "font-family": "sans-serif", fill: "#5b6470" }, svg).textContent = tickLabel(v);
      });
      ay.ticks.forEach(function (v) {
        var gy = py(v);
        svgEl("line", { x1: L, y1: gy, x2: W - R, y2: gy, stroke: "#eef0f2" }, svg);
        svgEl("text", { "class": "y-tick", x: L - 6, y: gy, dy: "0.35em", "text-anchor": "end", "font-size": 13, "font-family": "sans-serif", fill: "#5b6470" }, svg).textContent = tickLabel(v);
      });
      svgEl("text", { x: (W + L - R) / 2, y: H - 12, "text-anchor": "middle", "font-size": 14, "font-family": "sans-serif", fill: "#1b1f24" }, svg).textContent = ox.label + (ax.log ? " (log)" : "");
      svgEl("text", { x: 16, y: (H - B + T) / 2, "text-anchor": "middle", "font-size": 14, "font-family": "sans-serif", fill: "#1b1f24", transform: "rotate(-90 16 " + (H - B + T) / 2 + ")" }, svg).textContent = oy.label + (ay.log ? " (log)" : "");
      data.runs.forEach(function (r, i) {
        var x = xs[i], y = ys[i];
        if (typeof x !== "number" || typeof y !== "number" || !isFinite(x) || !isFinite(y)) return;
        if ((ax.log && x <= 0) || (ay.log && y <= 0)) return;
        var c = svgEl("circle", { "class": "point", "data-run": r.i, cx: px(x).toFixed(1), cy: py(y).toFixed(1), r: 5, fill: ahnb.runColour ? ahnb.runColour(r) : r.color, "data-colour": r.color, "fill-opacity": 0.85, stroke: "#ffffff" }, svg);
        svgEl("title", {}, c).textContent = r.name + ": " + ox.label + " = " + fmt(x) + ", " + oy.label + " = " + fmt(y);
      });
    }
    fig.__ahnbDraw = draw;
    if (ahnb.once(fig, "scatter")) {
      sx.addEventListener("change", function () { fig.__ahnbDraw(); });
      sy.addEventListener("change", function () { fig.__ahnbDraw(); });
    }
    fig.hidden = false;
    drawWhenNear(fig);
  }

  // A point per run is most of a big page's script work at load (10,000 circles on a
  // 10,000-run page), and the figure is far below the fold: it is drawn when it comes near the
  // viewport, or before printing; once drawn, new data from a live update is drawn at once.
  function drawWhenNear(fig) {
    function drawNow() {
      if (fig.__ahnbNear) { fig.__ahnbNear.disconnect(); fig.__ahnbNear = null; }
      fig.__ahnbDrawn = true;
      fig.__ahnbDraw();
    }
    if (fig.__ahnbDrawn || !window.IntersectionObserver) { drawNow(); return; }
    if (fig.__ahnbNear) return;
    fig.__ahnbNear = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) drawNow();
    }, { rootMargin: "800px 0px" });
    fig.__ahnbNear.observe(fig);
    window.addEventListener("beforeprint", function () { if (!fig.__ahnbDrawn) drawNow(); });
  }

  ahnb.register("scatter", function () { wireAnyScatter(ahnb.projectData()); });
})(window.ahnb);


