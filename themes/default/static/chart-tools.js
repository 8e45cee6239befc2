// ahnb chart-tools.js: what the chart controls do to every chart: smoothing (TensorBoard's),
// the wall-time view (drawn in the browser from the step view and the runs' clocks), and the
// SVG download of charts without a file of their own. Their choices are in ahnb.state.
(function (ahnb) {
  "use strict";
  var SVGNS = ahnb.SVGNS, charts = ahnb.charts, num = charts.num;

  // Draws the smoothed lines over the raw ones (faded) in every smoothable chart under root.
  function applySmoothing(w, root) {
    ahnb.all(root || document, "svg.chart").forEach(function (svg) {
      var st = svg.__ahnb;
      if (!st || !st.map || !svg.closest(".figure[data-smoothable]")) return;
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
        p.setAttribute("d", charts.pathFor(st.map, s.x, charts.smooth(s.y, w)));
        p.setAttribute("fill", "none");
        p.setAttribute("stroke", s.color);
        p.setAttribute("stroke-width", "2");
        if (original && original.getAttribute("stroke-dasharray")) p.setAttribute("stroke-dasharray", original.getAttribute("stroke-dasharray"));
        plot.appendChild(p);
      });
    });
  }
  ahnb.applySmoothing = applySmoothing;

  function wireSmoothing(root) {
    ahnb.all(root, "input.smoothing").forEach(function (input) {
      if (!ahnb.once(input, "smoothing")) return;
      var out = input.parentNode.querySelector("output");
      function shown(w) { if (out) out.textContent = w > 0 ? w.toFixed(2) : "0"; }
      if (ahnb.state.smoothing > 0) { input.value = String(ahnb.state.smoothing); shown(ahnb.state.smoothing); }
      input.addEventListener("input", function () {
        var w = parseFloat(input.value) || 0;
        ahnb.state.smoothing = w;
        if (out) out.textContent = w.toFixed(2);
        applySmoothing(w);
      });
    });
    if (ahnb.state.smoothing > 0) applySmoothing(ahnb.state.smoothing, root);
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
    charts.render(copy, data);
    view.appendChild(copy);
    var script = document.createElement("script");
    script.type = "application/json"; script.className = "chart-data";
    script.textContent = JSON.stringify(data);
    view.appendChild(script);
    stepBox.parentNode.insertBefore(view, stepBox.nextSibling);
    charts.wire(view);
    if (ahnb.state.smoothing > 0) applySmoothing(ahnb.state.smoothing, view);
    return view;
  }

  // The step / wall-time buttons; the choice is kept per chart (ahnb.chartState(id).time).
  function wireAxisToggles(root) {
    ahnb.all(root, ".figure").forEach(function (fig) {
      var toggle = fig.querySelector(".x-toggle");
      var stepBtn = fig.querySelector("button.x-step"), timeBtn = fig.querySelector("button.x-time");
      var svg = fig.querySelector(".x-step-view svg.chart");
      if (!toggle || !stepBtn || !timeBtn || !ahnb.once(toggle, "axis")) return;
      var saved = svg && svg.__ahnb ? ahnb.chartState(svg.__ahnb.data.id) : { time: false };
      toggle.hidden = false;
      function show(time) {
        saved.time = time;
        var view = time ? timeView(fig) : fig.querySelector(".x-time-view");
        if (time && !view) return;
        fig.querySelector(".x-step-view").hidden = time;
        if (view) view.hidden = !time;
        stepBtn.setAttribute("aria-pressed", time ? "false" : "true");
        timeBtn.setAttribute("aria-pressed", time ? "true" : "false");
      }
      stepBtn.addEventListener("click", function () { show(false); });
      timeBtn.addEventListener("click", function () { show(true); });
      if (saved.time) show(true);
    });
  }

  // Charts without a file of their own (a run's) are saved as drawn: the visible view, without
  // what the script added for hovering.
  function wireInlineDownloads(root) {
    ahnb.all(root, "a.figure-inline").forEach(function (link) {
      var fig = link.closest(".figure");
      if (!fig || !ahnb.once(link, "download")) return;
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

  ahnb.register("chart-tools", function (root) {
    wireSmoothing(root);
    wireAxisToggles(root);
    wireInlineDownloads(root);
  });
})(window.ahnb);
