// ahnb colour.js: a run's colour and highlight across the project page. Hovering a run
// anywhere (a line, a point, a table row) highlights it everywhere; "Colour by" recolours every
// run (lines, rings, legend lines, scatter points, table swatches) by one hyperparameter, with a
// legend of its values: one palette colour per value when there are few, else a light-to-dark
// scale (log when the values span decades). The choice is ahnb.state.colourBy.
(function (ahnb) {
  "use strict";
  var number = ahnb.format.number;

  var PALETTE = ["#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#332288", "#117733", "#999933", "#882255", "#44AA99", "#DDCC77", "#EE7733", "#0077BB", "#CC3311", "#009988", "#EE3377", "#6699CC", "#997700", "#AA4499"];
  function shade(t) {
    var stops = [[68, 1, 84], [59, 81, 139], [33, 144, 141], [53, 183, 121], [144, 215, 67]];
    t = Math.max(0, Math.min(1, t)) * (stops.length - 1);
    var i = Math.min(stops.length - 2, Math.floor(t)), f = t - i;
    return "rgb(" + stops[i].map(function (c, k) { return Math.round(c + (stops[i + 1][k] - c) * f); }).join(",") + ")";
  }
  var current = null;
  // The colour a run has now (colour-by may have changed it), for scripts that redraw rows.
  ahnb.runColour = function (run) { return current && current.byRun[run.i] !== undefined ? current.byRun[run.i] : run.color; };

  function wireColourBy(data) {
    var controls = document.querySelector(".chart-controls");
    if (!controls || !data || !data.varied || !data.varied.length || !ahnb.once(controls, "colour")) return;
    var wired = data;
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
      // The page's data now (a live update may have brought new runs).
      var data = ahnb.projectData() || wired;
      var values = data.runs.map(function (r) { return r.params[key]; });
      var distinct = [];
      values.forEach(function (v) { if (v !== undefined && distinct.indexOf(v) < 0) distinct.push(v); });
      var numeric = distinct.every(function (v) { return typeof v === "number"; });
      distinct.sort(function (a, b) { return numeric ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true }); });
      var byRun = {}, entries = [];
      if (distinct.length <= PALETTE.length || !numeric) {
        distinct.forEach(function (v, k) { entries.push([ahnb.format.param(v), PALETTE[k % PALETTE.length]]); });
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
      ahnb.state.colourBy = select.value;
      var c = current = colours(select.value);
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
    if (ahnb.state.colourBy && data.varied.indexOf(ahnb.state.colourBy) >= 0) { select.value = ahnb.state.colourBy; apply(); }
    ahnb.recolour = function () { if (select.value) apply(); };
  }

  // Hovering a run anywhere (a line, a point, a table row) highlights it everywhere on the page.
  function wireRunHighlight() {
    if (!ahnb.once(document, "highlight")) return;
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

  function paintSwatches(root) {
    ahnb.all(root, ".swatch[data-color]").forEach(function (el) {
      el.style.background = el.getAttribute("data-color");
    });
  }

  ahnb.register("colour", function (root) {
    wireColourBy(ahnb.projectData());
    // New charts or rows from a live update take the chosen colours too (live.js refreshes the
    // whole document; colouring again what is coloured changes nothing).
    if (ahnb.recolour) ahnb.recolour();
    wireRunHighlight();
    paintSwatches(root);
  });
})(window.ahnb);
