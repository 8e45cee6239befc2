// ahnb parallel.js: brushing the parallel coordinates. Dragging along an axis keeps the runs
// whose value there lies in the dragged range; several axes combine (a run must be inside every
// brush); a click on an axis clears its brush. The selection fades the other runs in every
// chart and filters the results table (the `ahnb:selection` event). Brushes are kept in
// ahnb.state.brushes by axis name, in the axis's values, so they survive a live update.
(function (ahnb) {
  "use strict";
  var svgEl = ahnb.svgEl;

  // `runs` is null (no selection) or a set of run indices.
  ahnb.selection = null;
  function select(runs) {
    ahnb.selection = runs;
    Array.prototype.forEach.call(document.querySelectorAll("svg.chart [data-run]"), function (el) {
      el.classList.toggle("unselected", runs !== null && !runs[el.getAttribute("data-run")]);
    });
    document.dispatchEvent(new CustomEvent("ahnb:selection", { detail: runs }));
  }

  function wireParallel(svg, data) {
    var brushes = {}, SLOP = 14, drag = null;
    var top = data.top, bottom = data.bottom;
    var saved = ahnb.state.brushes[data.id || "parallel"] || (ahnb.state.brushes[data.id || "parallel"] = {});
    function toSvg(e) {
      var ctm = svg.getScreenCTM();
      if (!ctm) return null;
      var p = svg.createSVGPoint(); p.x = e.clientX; p.y = e.clientY;
      return p.matrixTransform(ctm.inverse());
    }
    // The pixel height of a run's value on an axis (categories are spread evenly).
    function place(axis, v) {
      if (v === null || v === undefined) return NaN;
      if (axis.categories) {
        var i = axis.categories.indexOf(v), n = axis.categories.length;
        if (i < 0) return NaN;
        return n <= 1 ? (top + bottom) / 2 : bottom - (bottom - top) * i / (n - 1);
      }
      if (!isFinite(v) || (axis.log && v <= 0)) return NaN;
      var lo = axis.log ? Math.log10(axis.min) : axis.min, hi = axis.log ? Math.log10(axis.max) : axis.max, x = axis.log ? Math.log10(v) : v;
      var t = hi > lo ? (x - lo) / (hi - lo) : 0.5;
      return bottom + t * (top - bottom);
    }
    function valueAt(axis, py) {
      var lo = axis.log ? Math.log10(axis.min) : axis.min, hi = axis.log ? Math.log10(axis.max) : axis.max;
      var v = lo + (bottom - py) / (bottom - top) * (hi - lo);
      return axis.log ? Math.pow(10, v) : v;
    }
    // Saved brushes: numeric axes in values, category axes in pixels.
    function save() {
      Object.keys(saved).forEach(function (name) { delete saved[name]; });
      Object.keys(brushes).forEach(function (k) {
        var axis = data.axes[+k], b = brushes[k];
        saved[axis.name] = axis.categories ? { px: b.slice() } : { values: [valueAt(axis, b[0]), valueAt(axis, b[1])] };
      });
    }
    data.axes.forEach(function (axis, k) {
      var s = saved[axis.name];
      if (s) brushes[k] = s.px ? s.px.slice() : [place(axis, s.values[0]), place(axis, s.values[1])].map(function (p) { return Math.max(top, Math.min(bottom, p)); });
    });
    var layer = svgEl("g", { "class": "pc-brushes" }, svg);
    function apply() {
      layer.textContent = "";
      var keys = Object.keys(brushes);
      keys.forEach(function (k) {
        var b = brushes[k], axis = data.axes[+k];
        svgEl("rect", { "class": "pc-brush", "data-axis": k, x: axis.x - 9, y: Math.min(b[0], b[1]), width: 18, height: Math.abs(b[1] - b[0]) }, layer);
      });
      if (!keys.length) { select(null); return; }
      var chosen = {};
      data.runs.forEach(function (row) {
        var inside = keys.every(function (k) {
          var py = place(data.axes[+k], row[1 + +k]), b = brushes[k];
          return !isNaN(py) && py >= Math.min(b[0], b[1]) - 1e-6 && py <= Math.max(b[0], b[1]) + 1e-6;
        });
        if (inside) chosen[row[0]] = true;
      });
      select(chosen);
    }
    svg.__ahnb = { data: data, brushes: brushes, apply: apply };
    svg.addEventListener("mousedown", function (e) {
      var q = toSvg(e);
      if (!q || e.button !== 0) return;
      var k = -1;
      data.axes.forEach(function (a, i) { if (Math.abs(a.x - q.x) <= SLOP) k = i; });
      if (k < 0 || q.y < top - 6 || q.y > bottom + 6) return;
      e.preventDefault();
      drag = { axis: k, y: Math.max(top, Math.min(bottom, q.y)) };
      brushes[k] = [drag.y, drag.y];
    });
    window.addEventListener("mousemove", function (e) {
      if (!drag) return;
      var q = toSvg(e);
      if (!q) return;
      brushes[drag.axis] = [drag.y, Math.max(top, Math.min(bottom, q.y))];
      apply();
    });
    window.addEventListener("mouseup", function () {
      if (!drag) return;
      var b = brushes[drag.axis];
      if (!b || Math.abs(b[1] - b[0]) < 3) delete brushes[drag.axis];
      drag = null;
      save();
      apply();
    });
    if (Object.keys(brushes).length) apply();
  }
  ahnb.chartKinds.parallel = wireParallel;
  // Charts a live update replaced fade the unselected runs too (the event is not sent again).
  ahnb.register("selection", function (root) {
    var runs = ahnb.selection;
    if (runs === null) return;
    ahnb.all(root, "svg.chart [data-run]").forEach(function (el) {
      el.classList.toggle("unselected", !runs[el.getAttribute("data-run")]);
    });
  });
})(window.ahnb);
