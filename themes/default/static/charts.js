// ahnb charts.js: the line charts' interaction on top of the static SVG (the no-script view):
// hover readouts, legend isolate/hide, drag-to-zoom, Shift-drag pan, double-click reset, the
// "show all" outlier toggle; and `render`, which redraws a chart's axes and lines for any view
// (zoom, wall time) in the same SVG. Chart kinds with their own script (parallel coordinates)
// register in `ahnb.chartKinds`. A chart's view and hidden entries live in ahnb.chartState(id).
(function (ahnb) {
  "use strict";
  var SVGNS = ahnb.SVGNS, svgEl = ahnb.svgEl, format = ahnb.format, ticks = ahnb.ticks;
  ahnb.chartKinds = ahnb.chartKinds || {};

  function num(v) { return typeof v === "number" ? v : NaN; }

  // Chart readouts name a missing value "–".
  function fmt(v) { var t = format.number(v); return t === "" ? "–" : t; }

  function mapper(d) {
    var left = d.px[0], top = d.px[1], right = d.px[2], bottom = d.px[3];
    var ly = d.logY, y0 = ly ? Math.log10(d.y[0]) : d.y[0], y1 = ly ? Math.log10(d.y[1]) : d.y[1];
    return {
      x: function (x) { return left + (x - d.x[0]) / ((d.x[1] - d.x[0]) || 1) * (right - left); },
      y: function (y) {
        if (!isFinite(y) || (ly && y <= 0)) return NaN;
        var v = ly ? Math.log10(y) : y;
        return bottom - (v - y0) / ((y1 - y0) || 1) * (bottom - top);
      },
      invX: function (px) { return d.x[0] + (px - left) / ((right - left) || 1) * (d.x[1] - d.x[0]); },
      invY: function (py) { var v = y0 + (bottom - py) / ((bottom - top) || 1) * (y1 - y0); return ly ? Math.pow(10, v) : v; },
      inside: function (px, py) { return px >= left && px <= right && py >= top && py <= bottom; },
      top: top, bottom: bottom
    };
  }

  function pathFor(m, xs, ys) {
    var d = "", pen = false;
    for (var i = 0; i < xs.length; i++) {
      var px = m.x(num(xs[i])), py = m.y(num(ys[i]));
      if (isNaN(px) || isNaN(py)) { pen = false; continue; }
      d += (pen ? "L" : "M") + px.toFixed(1) + " " + py.toFixed(1);
      pen = true;
    }
    return d;
  }

  // TensorBoard's smoothing: an exponential moving average, debiased at the start, restarted
  // after a gap so that a NaN never bleeds into the smoothed line.
  function smooth(ys, w) {
    var out = [], last = 0, n = 0;
    for (var i = 0; i < ys.length; i++) {
      var y = num(ys[i]);
      if (!isFinite(y)) { out.push(ys[i]); last = 0; n = 0; continue; }
      last = last * w + (1 - w) * y; n++;
      out.push(last / (1 - Math.pow(w, n)));
    }
    return out;
  }

  function nearest(xs, x) {
    var lo = 0, hi = xs.length - 1;
    if (hi < 0) return -1;
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (num(xs[mid]) < x) lo = mid; else hi = mid; }
    return Math.abs(num(xs[lo]) - x) <= Math.abs(num(xs[hi]) - x) ? lo : hi;
  }

  // Wires one chart box (its svg and its chart data) and shows the view saved for its chart.
  function wireChart(box) {
    var svg = box.querySelector("svg.chart"), script = box.querySelector("script.chart-data");
    if (!svg || !script || !ahnb.once(svg, "chart")) return;
    var data;
    try { data = JSON.parse(script.textContent); } catch (e) { return; }
    if (data.kind && ahnb.chartKinds[data.kind]) { ahnb.chartKinds[data.kind](svg, data); return; }
    var m = mapper(data), saved = ahnb.chartState(data.id);
    var home = { x: data.x.slice(), y: data.y.slice(), logY: data.logY };
    var st = svg.__ahnb = { data: data, map: m };
    var hidden = saved.hidden;
    // Shows the view { x, y, logY } (null: the first one): redraws, and keeps the hover, the
    // smoothing and the show-all button in step with it.
    function show(view) {
      view = view || home;
      saved.view = view === home ? null : { x: view.x.slice(), y: view.y.slice(), logY: view.logY };
      data.x = view.x.slice(); data.y = view.y.slice(); data.logY = view.logY;
      data.zoomed = view !== home;
      render(svg, data);
      m = st.map = mapper(data);
      if (ahnb.applySmoothing && ahnb.state.smoothing > 0) ahnb.applySmoothing(ahnb.state.smoothing, box);
      if (allButton) allButton.setAttribute("aria-pressed", data.yAll && data.y[0] === data.yAll[0] && data.y[1] === data.yAll[1] ? "true" : "false");
    }
    var fig = box.closest(".figure"), tools = fig && fig.querySelector(".figure-tools"), allButton = null;
    // Outliers are off the first view; one click shows every value.
    if (data.yAll && tools && !box.classList.contains("x-time-view")) {
      allButton = document.createElement("button");
      allButton.type = "button"; allButton.className = "y-all"; allButton.textContent = "show all";
      allButton.title = "The axis leaves out series far beyond the rest (marked ▲ at the edge); show every value";
      allButton.setAttribute("aria-pressed", "false");
      allButton.addEventListener("click", function () {
        var all = allButton.getAttribute("aria-pressed") !== "true";
        show(all ? { x: home.x, y: data.yAll, logY: data.logAll } : null);
      });
      tools.insertBefore(allButton, tools.firstChild);
    }

    // Hidden entries are kept by label, so that they stay hidden when a live update adds series.
    function isHidden(k) { return !!hidden[data.series[k].label]; }
    function paint() {
      Array.prototype.forEach.call(svg.querySelectorAll(".legend-item"), function (it) {
        var k = +it.getAttribute("data-series");
        if (!data.series[k]) return;
        it.classList.toggle("off", isHidden(k));
        it.setAttribute("aria-pressed", isHidden(k) ? "true" : "false");
      });
      data.series.forEach(function (s, k) {
        Array.prototype.forEach.call(svg.querySelectorAll("[data-series='" + k + "']:not(.legend-item)"), function (el) {
          el.classList.toggle("off-series", isHidden(k));
        });
      });
    }
    Array.prototype.forEach.call(svg.querySelectorAll(".legend-item"), function (item) {
      item.setAttribute("tabindex", "0");
      item.setAttribute("role", "button");
      // A click isolates the series (a second click shows them all again); Shift-click hides
      // or shows just this one.
      function toggle(e) {
        var i = +item.getAttribute("data-series"), label = data.series[i].label;
        if (e && e.shiftKey) hidden[label] = !hidden[label];
        else {
          var alone = !isHidden(i) && data.series.every(function (s, k) { return k === i || isHidden(k); });
          data.series.forEach(function (s, k) { hidden[s.label] = alone ? false : k !== i; });
        }
        paint();
      }
      item.addEventListener("click", toggle);
      item.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(e); } });
    });

    var line = document.createElementNS(SVGNS, "line");
    line.setAttribute("class", "crosshair");
    line.setAttribute("y1", m.top); line.setAttribute("y2", m.bottom);
    line.setAttribute("visibility", "hidden");
    svg.appendChild(line);
    var tip = document.createElement("div");
    tip.className = "chart-tip";
    tip.hidden = true;
    box.appendChild(tip);

    function toSvg(e) {
      var ctm = svg.getScreenCTM();
      if (!ctm) return null;
      var p = svg.createSVGPoint(); p.x = e.clientX; p.y = e.clientY;
      return p.matrixTransform(ctm.inverse());
    }
    // Drag a box to zoom: x only for a flat box, x and y for a taller one; Shift-drag pans;
    // double-click goes back to the first view.
    var drag = null, rect = document.createElementNS(SVGNS, "rect");
    rect.setAttribute("class", "zoom-box"); rect.setAttribute("visibility", "hidden");
    svg.appendChild(rect);
    svg.addEventListener("mousedown", function (e) {
      var q = toSvg(e);
      if (!q || e.button !== 0 || !m.inside(q.x, q.y)) return;
      e.preventDefault();
      drag = { x: q.x, y: q.y, pan: e.shiftKey, view: { x: data.x.slice(), y: data.y.slice(), logY: data.logY } };
    });
    window.addEventListener("mousemove", function (e) {
      if (!drag) return;
      var q = toSvg(e);
      if (!q) return;
      var cx = Math.max(data.px[0], Math.min(data.px[2], q.x)), cy = Math.max(data.px[1], Math.min(data.px[3], q.y));
      if (drag.pan) {
        var v = drag.view, dx = (cx - drag.x) / (data.px[2] - data.px[0]) * (v.x[1] - v.x[0]);
        var ly = function (y) { return v.logY ? Math.log10(y) : y; }, ey = function (y) { return v.logY ? Math.pow(10, y) : y; };
        var dy = (cy - drag.y) / (data.px[3] - data.px[1]) * (ly(v.y[1]) - ly(v.y[0]));
        show({ x: [v.x[0] - dx, v.x[1] - dx], y: [ey(ly(v.y[0]) + dy), ey(ly(v.y[1]) + dy)], logY: v.logY });
        return;
      }
      rect.setAttribute("x", Math.min(drag.x, cx)); rect.setAttribute("width", Math.abs(cx - drag.x));
      var tall = Math.abs(cy - drag.y) > 12;
      rect.setAttribute("y", tall ? Math.min(drag.y, cy) : data.px[1]);
      rect.setAttribute("height", tall ? Math.abs(cy - drag.y) : data.px[3] - data.px[1]);
      rect.setAttribute("visibility", "visible");
    });
    window.addEventListener("mouseup", function (e) {
      if (!drag) return;
      var d = drag; drag = null;
      rect.setAttribute("visibility", "hidden");
      var q = toSvg(e);
      if (!q || d.pan) return;
      var cx = Math.max(data.px[0], Math.min(data.px[2], q.x)), cy = Math.max(data.px[1], Math.min(data.px[3], q.y));
      if (Math.abs(cx - d.x) < 5) return;
      var x0 = m.invX(Math.min(d.x, cx)), x1 = m.invX(Math.max(d.x, cx)), y = data.y.slice();
      if (Math.abs(cy - d.y) > 12) y = [m.invY(Math.max(d.y, cy)), m.invY(Math.min(d.y, cy))];
      show({ x: [x0, x1], y: y, logY: data.logY });
    });
    svg.addEventListener("dblclick", function (e) { e.preventDefault(); show(null); });
    st.show = show;

    svg.addEventListener("mousemove", function (e) {
      var q = toSvg(e);
      if (!q) return;
      if (!m.inside(q.x, q.y) || drag) { line.setAttribute("visibility", "hidden"); tip.hidden = true; return; }
      var x = m.invX(q.x), rows = [], snapX = null;
      data.series.forEach(function (s, i) {
        if (isHidden(i)) return;
        var k = nearest(s.x, x);
        if (k < 0) return;
        if (snapX === null || Math.abs(num(s.x[k]) - x) < Math.abs(snapX - x)) snapX = num(s.x[k]);
        rows.push({ label: s.label, color: s.color, x: num(s.x[k]), y: s.y[k] });
      });
      if (snapX === null) return;
      // Every visible run's value at the hovered step, highest first, each with its colour.
      rows = rows.filter(function (r) { return r.x === snapX; });
      rows.sort(function (a, b) {
        var x = num(a.y), y = num(b.y), fa = isFinite(x), fb = isFinite(y);
        if (fa !== fb) return fa ? -1 : 1;
        return fa && x !== y ? y - x : 0;
      });
      line.setAttribute("x1", m.x(snapX)); line.setAttribute("x2", m.x(snapX));
      line.setAttribute("visibility", "visible");
      tip.textContent = "";
      var head = document.createElement("div");
      head.textContent = data.xLabel + " " + fmt(snapX);
      tip.appendChild(head);
      rows.slice(0, 20).forEach(function (r) {
        var row = document.createElement("div"), sw = document.createElement("span");
        row.className = "tip-row";
        sw.className = "sw"; sw.style.background = r.color;
        row.appendChild(sw);
        var name = document.createElement("span"); name.className = "tip-name"; name.textContent = r.label;
        var value = document.createElement("span"); value.className = "tip-value"; value.textContent = fmt(r.y);
        row.appendChild(name); row.appendChild(document.createTextNode(": ")); row.appendChild(value);
        tip.appendChild(row);
      });
      if (rows.length > 20) { var more = document.createElement("div"); more.textContent = "+" + (rows.length - 20) + " more"; tip.appendChild(more); }
      tip.hidden = false;
      var rect = box.getBoundingClientRect();
      var left = e.clientX - rect.left + 14;
      if (left + tip.offsetWidth > rect.width) left = e.clientX - rect.left - tip.offsetWidth - 14;
      tip.style.left = Math.max(0, left) + "px";
      tip.style.top = Math.max(0, e.clientY - rect.top - 10) + "px";
    });
    svg.addEventListener("mouseleave", function () { line.setAttribute("visibility", "hidden"); tip.hidden = true; });

    // What the reader had chosen before a live update replaced this chart.
    if (Object.keys(hidden).length) paint();
    if (saved.view) show(saved.view);
  }

  // Draws a chart for the view in `data` (x, y, logY): both axes, the lines, best rings, points
  // alone between gaps, non-finite crosses and off-scale marks. The same SVG serves the step
  // view, the wall-time view and every zoom; the pixels of the plot never change.
  function render(svg, data) {
    var m = mapper(data), xAxis = svg.querySelector("g.x-axis"), yAxis = svg.querySelector("g.y-axis");
    svg.setAttribute("data-chart", data.id);
    svg.setAttribute("data-x0", data.x[0]); svg.setAttribute("data-x1", data.x[1]);
    svg.setAttribute("data-y0", data.y[0]); svg.setAttribute("data-y1", data.y[1]);
    svg.setAttribute("data-log-y", data.logY ? "true" : "false");
    var clip = svg.querySelector("clipPath"), plot = svg.querySelector("g.plot");
    if (clip && plot) { clip.id = "clip-" + data.id; plot.setAttribute("clip-path", "url(#clip-" + data.id + ")"); }
    var left = data.px[0], right = data.px[2];
    if (xAxis) {
      var grid = "", marks = "", labels = xAxis.querySelector(".x-tick-labels");
      labels.textContent = "";
      ticks.x(data.x[0], data.x[1]).forEach(function (v) {
        var px = m.x(v).toFixed(1);
        grid += "M" + px + " " + m.top + "V" + m.bottom;
        marks += "M" + px + " " + m.bottom + "V" + (m.bottom + 5);
        svgEl("text", { x: px, y: m.bottom + 10, dy: "0.76em" }, labels).textContent = format.tick(v);
      });
      xAxis.querySelector(".x-grid").setAttribute("d", grid);
      xAxis.querySelector(".x-ticks").setAttribute("d", marks);
      xAxis.querySelector(".x-title").textContent = data.xLabel;
    }
    if (yAxis) {
      var ygrid = "", ymarks = "", ylabels = yAxis.querySelector(".y-tick-labels");
      ylabels.textContent = "";
      ticks.y(data.y[0], data.y[1], data.logY).forEach(function (v) {
        var py = m.y(v);
        if (isNaN(py)) return;
        ygrid += "M" + left + " " + py.toFixed(1) + "H" + right;
        ymarks += "M" + (left - 5) + " " + py.toFixed(1) + "H" + left;
        svgEl("text", { x: left - 8, y: py.toFixed(1), dy: "0.35em" }, ylabels).textContent = format.tick(v);
      });
      yAxis.querySelector(".y-grid").setAttribute("d", ygrid);
      yAxis.querySelector(".y-ticks").setAttribute("d", ymarks);
    }
    Array.prototype.forEach.call(svg.querySelectorAll(".series-dot, path.gap, path.off-scale"), function (el) { el.parentNode.removeChild(el); });
    // Bands (seed groups' min–max) are drawn for the first view only; a zoomed view leaves them out.
    Array.prototype.forEach.call(svg.querySelectorAll("path.band"), function (el) { el.setAttribute("visibility", data.zoomed ? "hidden" : "visible"); });
    var y0 = Math.min(data.y[0], data.y[1]), y1 = Math.max(data.y[0], data.y[1]);
    data.series.forEach(function (s, i) {
      var path = svg.querySelector("path.series[data-series='" + i + "']");
      if (path) path.setAttribute("d", pathFor(m, s.x, s.y));
      var color = path ? path.getAttribute("stroke") : s.color;
      var best = svg.querySelector("circle.best[data-series='" + i + "']");
      if (best) {
        var bx = s.best ? m.x(num(s.best[0])) : NaN, by = s.best ? m.y(num(s.best[1])) : NaN;
        if (isNaN(bx) || isNaN(by)) best.setAttribute("visibility", "hidden");
        else { best.setAttribute("visibility", "visible"); best.setAttribute("cx", bx.toFixed(1)); best.setAttribute("cy", by.toFixed(1)); }
      }
      var gaps = "", off = "", was = null;
      s.x.forEach(function (x, k) {
        var y = num(s.y[k]), prev = k > 0 ? m.y(num(s.y[k - 1])) : NaN, next = k + 1 < s.x.length ? m.y(num(s.y[k + 1])) : NaN;
        var px = m.x(num(x)), edge = null;
        if (!isFinite(y)) {
          var cy = y === -Infinity || s.y[k] === "-Infinity" ? m.bottom - 5 : m.top + 5;
          gaps += "M" + (px - 3).toFixed(1) + " " + (cy - 3) + "l6 6m0 -6l-6 6";
        } else if (y > y1) edge = m.top;
        else if (y < y0 || (data.logY && y <= 0)) edge = m.bottom;
        else if (isNaN(prev) && isNaN(next) && plot) {
          svgEl("circle", { "class": "series-dot", "data-series": i, cx: px.toFixed(1), cy: m.y(y).toFixed(1), r: 2.5, fill: color }, plot);
        }
        if (edge !== null && edge !== was && px >= left && px <= right) {
          var base = edge === m.top ? edge + 7 : edge - 7;
          off += "M" + (px - 4).toFixed(1) + " " + base + "L" + px.toFixed(1) + " " + edge + "L" + (px + 4).toFixed(1) + " " + base + "Z";
        }
        was = edge;
      });
      if (gaps) svgEl("path", { "class": "gap", "data-series": i, d: gaps, stroke: color, "stroke-width": 1.6, fill: "none" }, svg);
      if (off) svgEl("path", { "class": "off-scale", "data-series": i, d: off, fill: color }, svg);
    });
  }

  ahnb.charts = { mapper: mapper, pathFor: pathFor, smooth: smooth, render: render, wire: wireChart, num: num, fmt: fmt };
  ahnb.register("charts", function (root) { ahnb.all(root, ".chart-box").forEach(wireChart); });
})(window.ahnb);
