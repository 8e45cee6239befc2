// ahnb: progressive enhancement for the static pages. No framework, no network; every page is
// complete without this script.
(function () {
  "use strict";

  // ------------------------------------------------------------------ shared by the page scripts
  // One number formatter (render/format.rs `number`: 4 significant digits, scientific outside
  // [1e-3, 1e6), whole numbers as integers), one ± rule (`plus_minus`: the spread in the mean's
  // decimals), one duration, and one filter grammar; results.js uses these through
  // window.ahnbShared rather than keeping copies.
  function isNum(v) { return typeof v === "number" && isFinite(v); }
  function number(v) {
    if (typeof v === "string") return v;
    if (v === null || v === undefined || (typeof v === "number" && isNaN(v))) return "";
    if (v === Infinity) return "Infinity";
    if (v === -Infinity) return "-Infinity";
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (Number.isInteger(v) && a < 1e6) return String(v);
    if (a >= 1e6 || a < 1e-3) return v.toExponential(3).replace(/\.?0+e/, "e").replace("e+", "e");
    var before = Math.floor(Math.log10(a)) + 1;
    return v.toFixed(Math.max(0, 4 - before));
  }
  function plusMinus(mean, spread) {
    var m = number(mean);
    if (!isNum(spread) || /[eNI]/.test(m)) return m + " ± " + number(spread);
    var dot = m.indexOf(".");
    return m + " ± " + spread.toFixed(dot < 0 ? 0 : m.length - dot - 1);
  }
  // "42 s", "3 min 05 s", "2 h 07 min": render/format.rs `duration`.
  function duration(seconds) {
    if (!isNum(seconds) || seconds < 0) return "";
    var t = Math.round(seconds), d = Math.floor(t / 86400), h = Math.floor(t / 3600) % 24, m = Math.floor(t / 60) % 60, s = t % 60;
    function two(n) { return n < 10 ? "0" + n : String(n); }
    if (d > 0) return d + " d " + two(h) + " h";
    if (h > 0) return h + " h " + two(m) + " min";
    if (m > 0) return m + " min " + two(s) + " s";
    if (seconds < 10 && seconds % 1 !== 0) return seconds.toFixed(1) + " s";
    return s + " s";
  }

  // Filter syntax: words match anywhere in the row; `key<value`, `key>=value`, `key=value`
  // compare a column by its header; `status:failed` matches a column's text.
  function parseFilter(text) {
    return text.trim().split(/\s+/).filter(Boolean).map(function (term) {
      var m = term.match(/^([^<>=!:]+)(<=|>=|!=|<|>|=|:)(.*)$/);
      if (m) return { key: m[1].toLowerCase(), op: m[2], value: m[3].toLowerCase() };
      return { text: term.toLowerCase() };
    });
  }

  window.ahnbShared = { isNum: isNum, number: number, plusMinus: plusMinus, duration: duration, parseFilter: parseFilter };

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var sort = cell.getAttribute("data-sort");
    return sort !== null ? sort : cell.textContent.trim();
  }

  // Numbers sort as numbers; missing values always go last, whatever the direction.
  function compare(a, b, numeric, ascending) {
    if (a === "" && b === "") return 0;
    if (a === "") return 1;
    if (b === "") return -1;
    var x = numeric ? parseFloat(a) : a, y = numeric ? parseFloat(b) : b;
    if (numeric && (isNaN(x) || isNaN(y))) { numeric = false; x = a; y = b; }
    var r = numeric ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return ascending ? r : -r;
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      th.tabIndex = 0;
      th.setAttribute("role", "columnheader");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = th.getAttribute("data-type") === "number" ||
          (th.getAttribute("data-type") === "mixed" && rows.every(function (r) {
            var v = cellValue(r, index); return v === "" || !isNaN(parseFloat(v));
          }));
        rows.sort(function (a, b) { return compare(cellValue(a, index), cellValue(b, index), numeric, ascending); });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
    });
  }

  function headerIndex(table, key) {
    var cells = table.tHead.rows[0].cells;
    for (var i = 0; i < cells.length; i++) {
      var label = cells[i].textContent.replace(/\s+(best|last)$/, "").trim().toLowerCase();
      if (label === key) return i;
    }
    for (var j = 0; j < cells.length; j++) {
      if (cells[j].textContent.trim().toLowerCase().indexOf(key) === 0) return j;
    }
    return -1;
  }

  function rowMatches(table, row, terms) {
    return terms.every(function (t) {
      if (t.text !== undefined) return row.textContent.toLowerCase().indexOf(t.text) >= 0;
      var i = headerIndex(table, t.key);
      if (i < 0) return false;
      var raw = cellValue(row, i), v = raw.toLowerCase();
      if (t.op === ":") return v.indexOf(t.value) >= 0;
      if (raw === "") return false;
      var x = parseFloat(raw), y = parseFloat(t.value);
      var numeric = !isNaN(x) && !isNaN(y);
      switch (t.op) {
        case "<": return numeric && x < y;
        case ">": return numeric && x > y;
        case "<=": return numeric && x <= y;
        case ">=": return numeric && x >= y;
        case "=": return numeric ? x === y : v === t.value;
        case "!=": return numeric ? x !== y : v !== t.value;
      }
      return false;
    });
  }

  function wireFilter(input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    if (!table) return;
    var counter = document.querySelector(".table-count[data-table='" + table.id + "']");
    function apply() {
      var terms = parseFilter(input.value), shown = 0, rows = table.tBodies[0].rows;
      Array.prototype.forEach.call(rows, function (row) {
        var ok = rowMatches(table, row, terms);
        row.hidden = !ok;
        if (ok) shown++;
      });
      if (counter) counter.textContent = shown + " of " + rows.length + " runs";
    }
    input.addEventListener("input", apply);
    apply();
  }


  // ------------------------------------------------------------------ charts
  var SVGNS = "http://www.w3.org/2000/svg";

  function num(v) { return typeof v === "number" ? v : NaN; }

  // Chart readouts and ticks name a missing value "–".
  function fmt(v) { var t = number(v); return t === "" ? "–" : t; }

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

  function wireChart(box) {
    var svg = box.querySelector("svg.chart"), script = box.querySelector("script.chart-data");
    if (!svg || !script) return;
    var data;
    try { data = JSON.parse(script.textContent); } catch (e) { return; }
    var m = mapper(data);
    svg.__ahnb = { data: data, map: m };
    var hidden = {};

    Array.prototype.forEach.call(svg.querySelectorAll(".legend-item"), function (item) {
      item.setAttribute("tabindex", "0");
      item.setAttribute("role", "button");
      function toggle() {
        var i = item.getAttribute("data-series");
        hidden[i] = !hidden[i];
        item.classList.toggle("off", hidden[i]);
        item.setAttribute("aria-pressed", hidden[i] ? "true" : "false");
        Array.prototype.forEach.call(svg.querySelectorAll("[data-series='" + i + "']:not(.legend-item)"), function (el) {
          el.classList.toggle("off-series", hidden[i]);
        });
      }
      item.addEventListener("click", toggle);
      item.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); } });
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

    svg.addEventListener("mousemove", function (e) {
      var ctm = svg.getScreenCTM();
      if (!ctm) return;
      var p = svg.createSVGPoint(); p.x = e.clientX; p.y = e.clientY;
      var q = p.matrixTransform(ctm.inverse());
      if (!m.inside(q.x, q.y)) { line.setAttribute("visibility", "hidden"); tip.hidden = true; return; }
      var x = m.invX(q.x), rows = [], snapX = null;
      data.series.forEach(function (s, i) {
        if (hidden[i]) return;
        var k = nearest(s.x, x);
        if (k < 0) return;
        if (snapX === null || Math.abs(num(s.x[k]) - x) < Math.abs(snapX - x)) snapX = num(s.x[k]);
        rows.push({ label: s.label, color: s.color, x: num(s.x[k]), y: s.y[k] });
      });
      if (snapX === null) return;
      rows = rows.filter(function (r) { return r.x === snapX; });
      line.setAttribute("x1", m.x(snapX)); line.setAttribute("x2", m.x(snapX));
      line.setAttribute("visibility", "visible");
      tip.textContent = "";
      var head = document.createElement("div");
      head.textContent = data.xLabel + " " + fmt(snapX);
      tip.appendChild(head);
      rows.slice(0, 12).forEach(function (r) {
        var row = document.createElement("div"), sw = document.createElement("span");
        sw.className = "sw"; sw.style.background = r.color;
        row.appendChild(sw);
        row.appendChild(document.createTextNode(r.label + ": " + fmt(r.y)));
        tip.appendChild(row);
      });
      if (rows.length > 12) { var more = document.createElement("div"); more.textContent = "+" + (rows.length - 12) + " more"; tip.appendChild(more); }
      tip.hidden = false;
      var rect = box.getBoundingClientRect();
      var left = e.clientX - rect.left + 14;
      if (left + tip.offsetWidth > rect.width) left = e.clientX - rect.left - tip.offsetWidth - 14;
      tip.style.left = Math.max(0, left) + "px";
      tip.style.top = Math.max(0, e.clientY - rect.top - 10) + "px";
    });
    svg.addEventListener("mouseleave", function () { line.setAttribute("visibility", "hidden"); tip.hidden = true; });
  }

  function applySmoothing(w) {
    Array.prototype.forEach.call(document.querySelectorAll(".figure[data-smoothable] svg.chart"), function (svg) {
      var st = svg.__ahnb;
      if (!st) return;
      Array.prototype.forEach.call(svg.querySelectorAll("path.smoothed"), function (p) { p.parentNode.removeChild(p); });
      Array.prototype.forEach.call(svg.querySelectorAll("path.series"), function (p) { p.classList.toggle("raw-under", w > 0); });
      if (w <= 0) return;
      var plot = svg.querySelector("g.plot");
      st.data.series.forEach(function (s, i) {
        var original = svg.querySelector("path.series[data-series='" + i + "']");
        var p = document.createElementNS(SVGNS, "path");
        p.setAttribute("class", "smoothed" + (original && original.classList.contains("off-series") ? " off-series" : ""));
        p.setAttribute("data-series", String(i));
        if (s.run !== null) p.setAttribute("data-run", String(s.run));
        p.setAttribute("d", pathFor(st.map, s.x, smooth(s.y, w)));
        p.setAttribute("fill", "none");
        p.setAttribute("stroke", s.color);
        p.setAttribute("stroke-width", "2");
        if (original && original.getAttribute("stroke-dasharray")) p.setAttribute("stroke-dasharray", original.getAttribute("stroke-dasharray"));
        plot.appendChild(p);
      });
    });
  }

  function wireSmoothing() {
    Array.prototype.forEach.call(document.querySelectorAll("input.smoothing"), function (input) {
      var out = input.parentNode.querySelector("output");
      input.addEventListener("input", function () {
        var w = parseFloat(input.value) || 0;
        if (out) out.textContent = w.toFixed(2);
        applySmoothing(w);
      });
    });
  }

  // Round ticks: multiples of 1, 2 or 5 x 10^n, the finest giving at most `max` of them. The
  // same rule as chart/x_axis.rs, so the wall-time view looks like the step view.
  function niceTicks(lo, hi, max) {
    if (!isFinite(lo) || !isFinite(hi)) return [];
    if (hi <= lo) return [lo];
    var unit = Math.pow(10, Math.floor(Math.log10((hi - lo) / max)));
    for (var k = 0; k < 4; k++, unit *= 10) {
      for (var j = 0; j < 3; j++) {
        var step = unit * [1, 2, 5][j], first = Math.ceil(lo / step - 1e-9), last = Math.floor(hi / step + 1e-9);
        if (last - first + 1 <= max) {
          var out = [];
          for (var i = first; i <= last; i++) out.push(i * step);
          return out;
        }
      }
    }
    return [lo, hi];
  }

  function tickLabel(v) {
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a >= 1e6 || a < 1e-3) return v.toExponential(2).replace(/\.?0+e/, "e").replace("e+", "e");
    return String(parseFloat(v.toPrecision(6)));
  }

  // Seconds since the run's start at `step`, interpolated along the run's clock; NaN outside it.
  function clockAt(clock, step) {
    var s = clock.s, t = clock.t, n = s.length;
    if (!n || !(step >= s[0] && step <= s[n - 1])) return NaN;
    var lo = 0, hi = n - 1;
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (s[mid] <= step) lo = mid; else hi = mid; }
    if (s[lo] === step || s[hi] === s[lo]) return t[lo];
    if (s[hi] === step) return t[hi];
    return t[lo] + (t[hi] - t[lo]) * (step - s[lo]) / (s[hi] - s[lo]);
  }

  // The chart's data with wall time for x: every series' steps mapped through its run's clock
  // (points outside the recorded time are left out), in seconds, minutes or hours.
  function timeData(data) {
    var span = 0, series = [];
    data.series.forEach(function (s) {
      var clock = typeof s.clock === "number" ? data.clocks[s.clock] : null, xs = [], ys = [];
      if (clock) {
        s.x.forEach(function (step, i) {
          var t = clockAt(clock, num(step));
          if (isNaN(t)) return;
          xs.push(t); ys.push(s.y[i]);
          if (t > span) span = t;
        });
      }
      var best = s.best && clock ? [clockAt(clock, num(s.best[0])), s.best[1]] : null;
      series.push({ label: s.label, color: s.color, run: s.run, x: xs, y: ys, best: best });
    });
    var unit = span > 3 * 3600 ? ["hours", 3600] : span > 180 ? ["minutes", 60] : ["seconds", 1];
    series.forEach(function (s) {
      s.x = s.x.map(function (t) { return t / unit[1]; });
      if (s.best) s.best[0] = s.best[0] / unit[1];
    });
    // A shallow copy: the series are replaced, everything else is shared with the step view.
    var copy = {};
    Object.keys(data).forEach(function (k) { copy[k] = data[k]; });
    copy.id = data.id + "-time";
    copy.x = [0, span > 0 ? span / unit[1] : 1];
    copy.xLabel = (data.timeLabel || "wall time") + " (" + unit[0] + ")";
    copy.series = series;
    return copy;
  }

  // Redraws what depends on x in a copy of a line chart: the x axis, the lines, their lone
  // points, best markers and non-finite markers. Everything else (frame, y axis, legend,
  // footnote) is the same in both views.
  function redrawX(svg, data) {
    var m = mapper(data), axis = svg.querySelector("g.x-axis");
    svg.setAttribute("data-chart", data.id);
    svg.setAttribute("data-x0", data.x[0]); svg.setAttribute("data-x1", data.x[1]);
    var clip = svg.querySelector("clipPath"), plot = svg.querySelector("g.plot");
    if (clip && plot) { clip.id = "clip-" + data.id; plot.setAttribute("clip-path", "url(#clip-" + data.id + ")"); }
    if (axis) {
      var grid = "", marks = "", labels = axis.querySelector(".x-tick-labels");
      labels.textContent = "";
      niceTicks(data.x[0], data.x[1], 8).forEach(function (v) {
        var px = m.x(v).toFixed(1);
        grid += "M" + px + " " + m.top + "V" + m.bottom;
        marks += "M" + px + " " + m.bottom + "V" + (m.bottom + 5);
        svgEl("text", { x: px, y: m.bottom + 10, dy: "0.76em" }, labels).textContent = tickLabel(v);
      });
      axis.querySelector(".x-grid").setAttribute("d", grid);
      axis.querySelector(".x-ticks").setAttribute("d", marks);
      axis.querySelector(".x-title").textContent = data.xLabel;
    }
    Array.prototype.forEach.call(svg.querySelectorAll(".series-dot, path.gap"), function (el) { el.parentNode.removeChild(el); });
    data.series.forEach(function (s, i) {
      var path = svg.querySelector("path.series[data-series='" + i + "']");
      if (path) path.setAttribute("d", pathFor(m, s.x, s.y));
      var best = svg.querySelector("circle.best[data-series='" + i + "']");
      if (best) {
        var bx = s.best ? m.x(s.best[0]) : NaN;
        if (isNaN(bx)) best.setAttribute("visibility", "hidden");
        else best.setAttribute("cx", bx.toFixed(1));
      }
      var gaps = "", color = path ? path.getAttribute("stroke") : s.color;
      s.x.forEach(function (x, k) {
        var y = num(s.y[k]), prev = k > 0 ? m.y(num(s.y[k - 1])) : NaN, next = k + 1 < s.x.length ? m.y(num(s.y[k + 1])) : NaN;
        if (!isFinite(y)) {
          var cy = y === -Infinity || s.y[k] === "-Infinity" ? m.bottom - 5 : m.top + 5;
          gaps += "M" + (m.x(x) - 3).toFixed(1) + " " + (cy - 3) + "l6 6m0 -6l-6 6";
        } else if (isNaN(prev) && isNaN(next) && plot) {
          svgEl("circle", { "class": "series-dot", "data-series": i, cx: m.x(x).toFixed(1), cy: m.y(y).toFixed(1), r: 2.5, fill: color }, plot);
        }
      });
      if (gaps) svgEl("path", { "class": "gap", "data-series": i, d: gaps, stroke: color, "stroke-width": 1.6, fill: "none" }, svg);
    });
  }

  // The wall-time view of a chart is drawn the first time it is asked for, from the step view
  // and the clocks in the chart's data; the page carries no second copy of any chart.
  function timeView(fig) {
    var view = fig.querySelector(".x-time-view");
    if (view) return view;
    var stepBox = fig.querySelector(".x-step-view"), svg = stepBox.querySelector("svg.chart");
    var st = svg && svg.__ahnb;
    if (!st || !st.data.clocks) return null;
    var data = timeData(st.data);
    view = document.createElement("div");
    view.className = "chart-box x-time-view";
    view.hidden = true;
    var copy = svg.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".crosshair, path.smoothed"), function (el) { el.parentNode.removeChild(el); });
    Array.prototype.forEach.call(copy.querySelectorAll(".raw-under"), function (el) { el.classList.remove("raw-under"); });
    redrawX(copy, data);
    view.appendChild(copy);
    var script = document.createElement("script");
    script.type = "application/json"; script.className = "chart-data";
    script.textContent = JSON.stringify(data);
    view.appendChild(script);
    stepBox.parentNode.insertBefore(view, stepBox.nextSibling);
    wireChart(view);
    var smoothing = document.querySelector("input.smoothing");
    if (smoothing && parseFloat(smoothing.value) > 0) applySmoothing(parseFloat(smoothing.value));
    return view;
  }

  function wireAxisToggles() {
    Array.prototype.forEach.call(document.querySelectorAll(".figure"), function (fig) {
      var toggle = fig.querySelector(".x-toggle");
      var stepBtn = fig.querySelector("button.x-step"), timeBtn = fig.querySelector("button.x-time");
      if (!toggle || !stepBtn || !timeBtn) return;
      toggle.hidden = false;
      function show(time) {
        var view = time ? timeView(fig) : fig.querySelector(".x-time-view");
        if (time && !view) return;
        fig.querySelector(".x-step-view").hidden = time;
        if (view) view.hidden = !time;
        stepBtn.setAttribute("aria-pressed", time ? "false" : "true");
        timeBtn.setAttribute("aria-pressed", time ? "true" : "false");
      }
      stepBtn.addEventListener("click", function () { show(false); });
      timeBtn.addEventListener("click", function () { show(true); });
    });
  }

  // Charts without a file of their own (a run's) are saved as drawn: the visible view, without
  // what the script added for hovering.
  function wireInlineDownloads() {
    Array.prototype.forEach.call(document.querySelectorAll("a.figure-inline"), function (link) {
      var fig = link.closest(".figure");
      if (!fig) return;
      link.hidden = false;
      link.addEventListener("click", function () {
        var box = fig.querySelector(".chart-box:not([hidden])"), svg = box && box.querySelector("svg.chart");
        if (!svg) return;
        var copy = svg.cloneNode(true);
        Array.prototype.forEach.call(copy.querySelectorAll(".crosshair"), function (el) { el.parentNode.removeChild(el); });
        copy.classList.remove("dim");
        var text = '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy) + "\n";
        if (link.href && link.href.indexOf("blob:") === 0) URL.revokeObjectURL(link.href);
        link.href = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
      });
    });
  }

  // Hovering a run anywhere (a line, a point, a table row) highlights it everywhere on the page.
  function wireRunHighlight() {
    function set(run, on) {
      Array.prototype.forEach.call(document.querySelectorAll("[data-run='" + run + "']"), function (el) { el.classList.toggle("hl", on); });
      Array.prototype.forEach.call(document.querySelectorAll("svg.chart"), function (svg) {
        if (svg.querySelector("[data-run]")) svg.classList.toggle("dim", on);
      });
    }
    document.addEventListener("mouseover", function (e) {
      var el = e.target.closest ? e.target.closest("[data-run]") : null;
      if (el) set(el.getAttribute("data-run"), true);
    });
    document.addEventListener("mouseout", function (e) {
      var el = e.target.closest ? e.target.closest("[data-run]") : null;
      if (el) set(el.getAttribute("data-run"), false);
    });
  }

  function paintSwatches() {
    Array.prototype.forEach.call(document.querySelectorAll(".swatch[data-color]"), function (el) {
      el.style.background = el.getAttribute("data-color");
    });
  }


  // ------------------------------------------------------------------ project data
  // The page's data holds runs as rows of values (see render/project_data.rs); they are turned
  // back into objects once, here, for this script and results.js.
  function expandRuns(data) {
    var col = {};
    data.columns.forEach(function (name, k) { col[name] = k; });
    function byName(names, values) {
      var out = {};
      if (values) names.forEach(function (name, k) { if (values[k] !== null && values[k] !== undefined) out[name] = values[k]; });
      return out;
    }
    var metricNames = data.metrics.map(function (m) { return m.name; });
    data.runs = data.rows.map(function (row, i) {
      var run = { i: i };
      data.columns.forEach(function (name, k) { run[name] = row[k]; });
      run.params = byName(data.params, row[col.params]);
      run.best = byName(metricNames, row[col.best]);
      run.last = byName(metricNames, row[col.last]);
      run.curves = null;
      return run;
    });
    delete data.rows;
    return data;
  }

  var projectDataCache;
  function projectData() {
    if (projectDataCache !== undefined) return projectDataCache;
    var el = document.getElementById("project-data");
    projectDataCache = null;
    if (el) {
      try { projectDataCache = expandRuns(JSON.parse(el.textContent)); } catch (e) { projectDataCache = null; }
    }
    return projectDataCache;
  }
  window.ahnbProjectData = projectData;

  // The compare view's curves live in a script beside the page, loaded the first time they are
  // wanted; `done` runs once they are attached to the runs (or could not be loaded).
  var curvesState = null, curvesWaiting = [];
  function loadCurves(done) {
    var data = projectData(), el = document.getElementById("project-data");
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
  }
  window.ahnbLoadCurves = loadCurves;

  function svgEl(name, attrs, parent) {
    var el = document.createElementNS(SVGNS, name);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(el);
    return el;
  }

  // A scatter of any two numeric columns: metrics (best per run) and numeric hyperparameters.
  function wireAnyScatter(data) {
    var fig = document.querySelector(".any-scatter");
    if (!fig || !data || data.runs.length < 2) return;
    var options = [];
    data.metrics.forEach(function (m) { options.push({ label: "best " + m.name, get: function (r) { return r.best[m.name]; } }); });
    data.params.forEach(function (p) {
      if (data.runs.some(function (r) { return typeof r.params[p] === "number"; })) {
        options.push({ label: p, get: function (r) { return r.params[p]; } });
      }
    });
    if (options.length < 2) return;
    var sx = fig.querySelector(".any-x"), sy = fig.querySelector(".any-y"), box = fig.querySelector(".any-box");
    options.forEach(function (o, i) {
      sx.appendChild(new Option(o.label, i));
      sy.appendChild(new Option(o.label, i));
    });
    var primary = options.findIndex(function (o) { return o.label === "best " + data.primary; });
    var firstParam = options.findIndex(function (o) { return o.label.indexOf("best ") !== 0 && data.varied.indexOf(o.label) >= 0; });
    sy.value = String(primary >= 0 ? primary : 0);
    sx.value = String(firstParam >= 0 ? firstParam : (primary === 0 ? 1 : 0));
    function axis(values) {
      var v = values.filter(function (x) { return typeof x === "number" && isFinite(x); });
      var lo = Math.min.apply(null, v), hi = Math.max.apply(null, v);
      var log = v.length > 0 && lo > 0 && hi / lo > 100;
      if (log) { lo = Math.log10(lo); hi = Math.log10(hi); }
      if (lo === hi) { lo -= 1; hi += 1; }
      var pad = (hi - lo) * 0.06;
      return { lo: lo - pad, hi: hi + pad, log: log };
    }
    function draw() {
      var ox = options[+sx.value], oy = options[+sy.value];
      var W = 720, H = 400, L = 80, R = 24, T = 20, B = 56;
      box.textContent = "";
      var svg = svgEl("svg", { viewBox: "0 0 " + W + " " + H, "class": "chart any", role: "img", "aria-label": oy.label + " vs " + ox.label }, box);
      svgEl("rect", { width: W, height: H, fill: "#ffffff" }, svg);
      var xs = data.runs.map(ox.get), ys = data.runs.map(oy.get);
      var ax = axis(xs), ay = axis(ys);
      function px(v) { v = ax.log ? Math.log10(v) : v; return L + (v - ax.lo) / (ax.hi - ax.lo) * (W - L - R); }
      function py(v) { v = ay.log ? Math.log10(v) : v; return H - B - (v - ay.lo) / (ay.hi - ay.lo) * (H - T - B); }
      svgEl("rect", { x: L, y: T, width: W - L - R, height: H - T - B, fill: "none", stroke: "#d8dde3" }, svg);
      [0, 0.25, 0.5, 0.75, 1].forEach(function (t) {
        var vx = ax.lo + t * (ax.hi - ax.lo), vy = ay.lo + t * (ay.hi - ay.lo);
        var gx = L + t * (W - L - R), gy = H - B - t * (H - T - B);
        svgEl("line", { x1: gx, y1: T, x2: gx, y2: H - B, stroke: "#eef0f2" }, svg);
        svgEl("line", { x1: L, y1: gy, x2: W - R, y2: gy, stroke: "#eef0f2" }, svg);
        svgEl("text", { x: gx, y: H - B + 18, "text-anchor": "middle", "font-size": 13, "font-family": "sans-serif", fill: "#5b6470" }, svg).textContent = fmt(ax.log ? Math.pow(10, vx) : vx);
        svgEl("text", { x: L - 6, y: gy, dy: "0.35em", "text-anchor": "end", "font-size": 13, "font-family": "sans-serif", fill: "#5b6470" }, svg).textContent = fmt(ay.log ? Math.pow(10, vy) : vy);
      });
      svgEl("text", { x: (W + L - R) / 2, y: H - 12, "text-anchor": "middle", "font-size": 14, "font-family": "sans-serif", fill: "#1b1f24" }, svg).textContent = ox.label + (ax.log ? " (log)" : "");
      svgEl("text", { x: 16, y: (H - B + T) / 2, "text-anchor": "middle", "font-size": 14, "font-family": "sans-serif", fill: "#1b1f24", transform: "rotate(-90 16 " + (H - B + T) / 2 + ")" }, svg).textContent = oy.label + (ay.log ? " (log)" : "");
      data.runs.forEach(function (r, i) {
        var x = xs[i], y = ys[i];
        if (typeof x !== "number" || typeof y !== "number" || !isFinite(x) || !isFinite(y)) return;
        if ((ax.log && x <= 0) || (ay.log && y <= 0)) return;
        var c = svgEl("circle", { "class": "point", "data-run": r.i, cx: px(x).toFixed(1), cy: py(y).toFixed(1), r: 5, fill: r.color, "fill-opacity": 0.85, stroke: "#ffffff" }, svg);
        svgEl("title", {}, c).textContent = r.name + ": " + ox.label + " = " + fmt(x) + ", " + oy.label + " = " + fmt(y);
      });
    }
    sx.addEventListener("change", draw);
    sy.addEventListener("change", draw);
    fig.hidden = false;
    draw();
  }


  // One media name logged at many steps: show one step at a time with a slider (Agnez's cells).
  function wireMediaSliders() {
    Array.prototype.forEach.call(document.querySelectorAll(".media-group"), function (group) {
      var items = group.querySelectorAll(".media-item");
      if (items.length < 2) return;
      var label = document.createElement("label");
      label.className = "media-slider";
      var input = document.createElement("input");
      input.type = "range"; input.min = "0"; input.max = String(items.length - 1); input.step = "1";
      input.value = String(items.length - 1);
      var out = document.createElement("output");
      label.appendChild(document.createTextNode("step "));
      label.appendChild(input);
      label.appendChild(out);
      group.insertBefore(label, items[0]);
      function show() {
        var k = +input.value;
        Array.prototype.forEach.call(items, function (item, i) { item.hidden = i !== k; });
        out.textContent = " " + (items[k].getAttribute("data-step") || "") + " (" + (k + 1) + " of " + items.length + ")";
      }
      input.addEventListener("input", show);
      show();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireMediaSliders();
    var data = projectData();
    wireAnyScatter(data);
    Array.prototype.forEach.call(document.querySelectorAll(".chart-box"), wireChart);
    wireSmoothing();
    wireAxisToggles();
    wireInlineDownloads();
    wireRunHighlight();
    paintSwatches();
    // Tables marked data-live are driven by results.js from the page's data instead.
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable:not([data-live])"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll("input.table-filter"), function (input) {
      var table = document.getElementById(input.getAttribute("data-table"));
      if (table && !table.hasAttribute("data-live")) wireFilter(input);
    });
    // Constant hyperparameters are hidden once the script runs; without it, every column shows.
    Array.prototype.forEach.call(document.querySelectorAll("input.toggle-constant"), function (box) {
      var table = document.getElementById(box.getAttribute("data-table"));
      if (!table || table.hasAttribute("data-live")) return;
      table.classList.add("hide-constant");
      box.addEventListener("change", function () { table.classList.toggle("hide-constant", !box.checked); });
    });
  });
})();
