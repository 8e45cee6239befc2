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

  function wireChart(box) {
    var svg = box.querySelector("svg.chart"), script = box.querySelector("script.chart-data");
    if (!svg || !script) return;
    var data;
    try { data = JSON.parse(script.textContent); } catch (e) { return; }
    if (data.kind === "parallel") { wireParallel(svg, data); return; }
    var m = mapper(data);
    var home = { x: data.x.slice(), y: data.y.slice(), logY: data.logY };
    var st = svg.__ahnb = { data: data, map: m };
    var hidden = {};
    // Shows the view { x, y, logY } (null: the first one): redraws, and keeps the hover, the
    // smoothing and the show-all button in step with it.
    function show(view) {
      view = view || home;
      data.x = view.x.slice(); data.y = view.y.slice(); data.logY = view.logY;
      data.zoomed = view !== home;
      render(svg, data);
      m = st.map = mapper(data);
      var smoothing = document.querySelector("input.smoothing");
      if (smoothing && parseFloat(smoothing.value) > 0) applySmoothing(parseFloat(smoothing.value));
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

    Array.prototype.forEach.call(svg.querySelectorAll(".legend-item"), function (item) {
      item.setAttribute("tabindex", "0");
      item.setAttribute("role", "button");
      function paint() {
        Array.prototype.forEach.call(svg.querySelectorAll(".legend-item"), function (it) {
          var k = it.getAttribute("data-series");
          it.classList.toggle("off", !!hidden[k]);
          it.setAttribute("aria-pressed", hidden[k] ? "true" : "false");
        });
        data.series.forEach(function (s, k) {
          Array.prototype.forEach.call(svg.querySelectorAll("[data-series='" + k + "']:not(.legend-item)"), function (el) {
            el.classList.toggle("off-series", !!hidden[k]);
          });
        });
      }
      // A click isolates the series (a second click shows them all again); Shift-click hides
      // or shows just this one.
      function toggle(e) {
        var i = item.getAttribute("data-series");
        if (e && e.shiftKey) hidden[i] = !hidden[i];
        else {
          var alone = !hidden[i] && data.series.every(function (s, k) { return String(k) === i || hidden[k]; });
          data.series.forEach(function (s, k) { hidden[k] = alone ? false : String(k) !== i; });
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
        if (hidden[i]) return;
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
  }

  // ------------------------------------------------------------------ selection (brushing)
  // Brushing the parallel coordinates selects runs; the results table shows only them and every
  // chart fades the others. `ahnbSelection` is null (no selection) or a set of run indices.
  window.ahnbSelection = null;
  function select(runs) {
    window.ahnbSelection = runs;
    Array.prototype.forEach.call(document.querySelectorAll("svg.chart [data-run]"), function (el) {
      el.classList.toggle("unselected", runs !== null && !runs[el.getAttribute("data-run")]);
    });
    document.dispatchEvent(new CustomEvent("ahnb:selection", { detail: runs }));
  }

  // Drag along an axis to keep the runs whose value there lies in the dragged range; several
  // axes combine (a run must be inside every brush); a click on an axis clears its brush.
  function wireParallel(svg, data) {
    var brushes = {}, SLOP = 14, drag = null;
    var top = data.top, bottom = data.bottom;
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
      if (axis.categories) return null;
      var lo = axis.log ? Math.log10(axis.min) : axis.min, hi = axis.log ? Math.log10(axis.max) : axis.max;
      var v = lo + (bottom - py) / (bottom - top) * (hi - lo);
      return axis.log ? Math.pow(10, v) : v;
    }
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
    svg.__ahnb = { data: data, brushes: brushes, apply: apply, valueAt: valueAt };
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
    window.addEventListener("mouseup", function (e) {
      if (!drag) return;
      var b = brushes[drag.axis];
      if (!b || Math.abs(b[1] - b[0]) < 3) delete brushes[drag.axis];
      drag = null;
      apply();
    });
  }

  // ------------------------------------------------------------------ colour by a hyperparameter
  // A select beside the smoothing slider recolours every run on the page (lines, rings, legend
  // lines, scatter points, table swatches) by one hyperparameter, with a legend of its values:
  // one palette colour per value when there are few, else a light-to-dark scale (log when the
  // values span decades).
  var PALETTE = ["#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#332288", "#117733", "#999933", "#882255", "#44AA99", "#DDCC77", "#EE7733", "#0077BB", "#CC3311", "#009988", "#EE3377", "#6699CC", "#997700", "#AA4499"];
  function shade(t) {
    var stops = [[68, 1, 84], [59, 81, 139], [33, 144, 141], [53, 183, 121], [144, 215, 67]];
    t = Math.max(0, Math.min(1, t)) * (stops.length - 1);
    var i = Math.min(stops.length - 2, Math.floor(t)), f = t - i;
    return "rgb(" + stops[i].map(function (c, k) { return Math.round(c + (stops[i + 1][k] - c) * f); }).join(",") + ")";
  }
  function wireColourBy(data) {
    var controls = document.querySelector(".chart-controls");
    if (!controls || !data || !data.varied || !data.varied.length) return;
    var label = document.createElement("label");
    label.className = "colour-by";
    label.appendChild(document.createTextNode("Colour by "));
    var select = document.createElement("select");
    select.appendChild(new Option("run", ""));
    data.varied.forEach(function (p) { select.appendChild(new Option(p, p)); });
    label.appendChild(select);
    var legend = document.createElement("span");
    legend.className = "colour-legend";
    controls.insertBefore(legend, controls.children[1] || null);
    controls.insertBefore(label, legend);
    function colours(key) {
      if (!key) return null;
      var values = data.runs.map(function (r) { return r.params[key]; });
      var distinct = [];
      values.forEach(function (v) { if (v !== undefined && distinct.indexOf(v) < 0) distinct.push(v); });
      var numeric = distinct.every(function (v) { return typeof v === "number"; });
      distinct.sort(function (a, b) { return numeric ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true }); });
      var byRun = {}, entries = [];
      if (distinct.length <= PALETTE.length || !numeric) {
        distinct.forEach(function (v, k) { entries.push([String(v), PALETTE[k % PALETTE.length]]); });
        values.forEach(function (v, i) { byRun[i] = v === undefined ? "#9aa4b1" : PALETTE[distinct.indexOf(v) % PALETTE.length]; });
      } else {
        var lo = distinct[0], hi = distinct[distinct.length - 1], log = lo > 0 && hi / lo > 100;
        var t = function (v) { return log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo); };
        values.forEach(function (v, i) { byRun[i] = typeof v === "number" ? shade(t(v)) : "#9aa4b1"; });
        entries.push([number(lo), shade(0)], [number(hi), shade(1)]);
      }
      if (values.some(function (v) { return v === undefined; })) entries.push(["not set", "#9aa4b1"]);
      return { byRun: byRun, entries: entries };
    }
    function apply() {
      var c = colours(select.value);
      legend.textContent = "";
      if (c) c.entries.forEach(function (e) {
        var item = document.createElement("span"), sw = document.createElement("span");
        item.className = "colour-entry"; sw.className = "swatch"; sw.style.background = e[1];
        item.appendChild(sw); item.appendChild(document.createTextNode(e[0]));
        legend.appendChild(item);
      });
      Array.prototype.forEach.call(document.querySelectorAll("svg.chart:not(.parallel) [data-run], .swatch[data-run], #results td.run-name .swatch"), function (el) {
        var run = el.getAttribute("data-run") || (el.closest("tr") && el.closest("tr").getAttribute("data-run"));
        if (run === null) return;
        var attr = el.tagName === "circle" && el.classList.contains("point") ? "fill" : el.classList.contains("swatch") ? "background" : el.tagName === "g" ? null : "stroke";
        var target = el.tagName === "g" ? el.querySelector("line") : el;
        if (!target) return;
        if (attr === null) attr = "stroke";
        var original = target.getAttribute("data-colour");
        if (original === null) { original = attr === "background" ? target.style.background : target.getAttribute(attr); target.setAttribute("data-colour", original || ""); }
        var colour = c ? c.byRun[run] : original;
        if (attr === "background") target.style.background = colour; else target.setAttribute(attr, colour);
      });
      // Rings, crosses and marks follow their series' line.
      Array.prototype.forEach.call(document.querySelectorAll("svg.chart"), function (svg) {
        Array.prototype.forEach.call(svg.querySelectorAll("circle.best, path.gap, path.off-scale, circle.series-dot"), function (el) {
          var line = svg.querySelector("path.series[data-series='" + el.getAttribute("data-series") + "']");
          if (!line) return;
          el.setAttribute(el.classList.contains("best") || el.classList.contains("gap") ? "stroke" : "fill", line.getAttribute("stroke"));
        });
      });
    }
    select.addEventListener("change", apply);
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
  // Ticks of the y axis: chart/y_axis.rs `y_ticks` (round values on a linear scale; powers of
  // ten on a log scale, thinned over many decades, with 2 and 5 between over fewer than two).
  function yTicks(lo, hi, log) {
    if (!log) return niceTicks(lo, hi, 6);
    if (!(lo > 0 && hi > lo)) return [];
    var l = Math.log10(lo), h = Math.log10(hi), first = Math.ceil(l - 1e-9), last = Math.floor(h + 1e-9), out = [];
    if (last - first + 1 < 2) {
      for (var e = Math.floor(l); e <= Math.ceil(h); e++) {
        [1, 2, 5].forEach(function (k) { var v = k * Math.pow(10, e); if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v); });
      }
      return out;
    }
    var every = Math.max(1, Math.ceil((last - first + 1) / 6));
    for (var d = first; d <= last; d++) if ((d - first) % every === 0) out.push(Math.pow(10, d));
    return out;
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
      niceTicks(data.x[0], data.x[1], 8).forEach(function (v) {
        var px = m.x(v).toFixed(1);
        grid += "M" + px + " " + m.top + "V" + m.bottom;
        marks += "M" + px + " " + m.bottom + "V" + (m.bottom + 5);
        svgEl("text", { x: px, y: m.bottom + 10, dy: "0.76em" }, labels).textContent = tickLabel(v);
      });
      xAxis.querySelector(".x-grid").setAttribute("d", grid);
      xAxis.querySelector(".x-ticks").setAttribute("d", marks);
      xAxis.querySelector(".x-title").textContent = data.xLabel;
    }
    if (yAxis) {
      var ygrid = "", ymarks = "", ylabels = yAxis.querySelector(".y-tick-labels");
      ylabels.textContent = "";
      yTicks(data.y[0], data.y[1], data.logY).forEach(function (v) {
        var py = m.y(v);
        if (isNaN(py)) return;
        ygrid += "M" + left + " " + py.toFixed(1) + "H" + right;
        ymarks += "M" + (left - 5) + " " + py.toFixed(1) + "H" + left;
        svgEl("text", { x: left - 8, y: py.toFixed(1), dy: "0.35em" }, ylabels).textContent = tickLabel(v);
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
    Array.prototype.forEach.call(copy.querySelectorAll(".crosshair, .zoom-box, path.smoothed"), function (el) { el.parentNode.removeChild(el); });
    Array.prototype.forEach.call(copy.querySelectorAll(".raw-under"), function (el) { el.classList.remove("raw-under"); });
    render(copy, data);
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
        Array.prototype.forEach.call(copy.querySelectorAll(".crosshair, .zoom-box"), function (el) { el.parentNode.removeChild(el); });
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
    // The axis spans the data exactly (no accuracy past 1) with round ticks inside it; the
    // plot is inset a few pixels so that points at the ends are drawn whole.
    function axis(values) {
      var v = values.filter(function (x) { return typeof x === "number" && isFinite(x); });
      var lo = Math.min.apply(null, v), hi = Math.max.apply(null, v);
      var log = v.length > 0 && lo > 0 && hi / lo > 100;
      var ticks = log ? yTicks(lo, hi, true) : niceTicks(lo, hi, 6);
      if (log) { lo = Math.log10(lo); hi = Math.log10(hi); }
      if (lo === hi) { var pad = lo === 0 ? 1 : Math.abs(lo) * 0.1; lo -= pad; hi += pad; ticks = [log ? Math.pow(10, (lo + hi) / 2) : (lo + hi) / 2]; }
      if (!ticks.length) ticks = log ? [Math.pow(10, lo), Math.pow(10, hi)] : [lo, hi];
      return { lo: lo, hi: hi, log: log, ticks: ticks };
    }
    function draw() {
      var ox = options[+sx.value], oy = options[+sy.value];
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
    wireColourBy(data);
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
