// ahnb format.js: the one number formatter, tick rule and duration of every page script, the
// same rules as Rust's src/format.rs and chart/{x,y}_axis.rs that wrote the page. The cases
// both sides must agree on are tests/fixtures/contracts/*.json, checked by a Rust test and by
// tests/browser/contracts.test.mjs. No DOM here, so node can load it.
(function (ahnb) {
  "use strict";

  function isNum(v) { return typeof v === "number" && isFinite(v); }

  // Rust's `{:.N}` and `{:.Ne}` round a tie (a value exactly halfway, such as 1234500 to four
  // digits or 0.25 to one) to the even digit; JavaScript's toFixed and toExponential round it up
  // (1234500 was "1.235e6" in the script and "1.234e6" in the page). Both round every other
  // value by its exact binary value, so only ties need mending: `text` is JavaScript's rounding
  // of `a` (not negative), `exact` the value with 100 digits (exact whenever a tie is possible).
  function evenTie(text, exact, point, decimals) {
    if (!/^50*$/.test(exact.slice(point + 1 + decimals).replace(/e.*$/, ""))) return text;
    var down = exact.slice(0, decimals ? point + 1 + decimals : point);
    return +down[down.length - 1] % 2 === 0 ? down : text;
  }

  // Rust's `format!("{v:.N}")`.
  function toFixed(v, decimals) {
    var a = Math.abs(v), sign = v < 0 || Object.is(v, -0) ? "-" : "";
    if (a >= 1e21) return sign + full(a) + (decimals ? "." + "0".repeat(decimals) : "");
    var exact = a.toFixed(100);
    return sign + evenTie(a.toFixed(decimals), exact, exact.indexOf("."), decimals);
  }

  // Rust's `format!("{v:.Ne}")` with src/format.rs `tidy_exponent`: "1.5e-5", not "1.500e-5".
  function toExponential(v, decimals) {
    var a = Math.abs(v), sign = v < 0 ? "-" : "";
    var exact = a.toExponential(100), text = a.toExponential(decimals);
    var mended = evenTie(text, exact, 1, decimals);
    if (mended !== text) mended += exact.slice(exact.indexOf("e"));
    var e = mended.indexOf("e"), m = mended.slice(0, e);
    if (m.indexOf(".") >= 0) m = m.replace(/0+$/, "").replace(/\.$/, "");
    return sign + m + "e" + parseInt(mended.slice(e + 1), 10);
  }

  // src/format.rs `number`: 4 significant digits, scientific outside [1e-3, 1e6), whole
  // numbers as integers, non-finite values spelled out. Strings (how the page's data carries
  // NaN and the infinities) are shown as they are; a missing value is "".
  function number(v, significant) {
    var sig = significant || 4;
    if (typeof v === "string") return v;
    if (v === null || v === undefined) return "";
    if (isNaN(v)) return "NaN";
    if (v === Infinity) return "Infinity";
    if (v === -Infinity) return "-Infinity";
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (Number.isInteger(v) && a < 1e6) return String(v);
    if (a >= 1e6 || a < 1e-3) return toExponential(v, sig - 1);
    var before = Math.floor(Math.log10(a)) + 1;
    return toFixed(v, Math.max(0, sig - before));
  }

  // Shortest text that reads back as the same number: src/format.rs `number_full`.
  function full(v) {
    if (typeof v === "string") return v;
    if (isNaN(v)) return "NaN";
    if (!isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return v === 0 ? "0" : String(v);
    // Rust prints every double without an exponent.
    var s = String(Math.abs(v)), sign = v < 0 ? "-" : "", e = s.indexOf("e");
    if (e < 0) return sign + s;
    var mant = s.slice(0, e).replace(".", ""), exp = parseInt(s.slice(e + 1), 10);
    if (exp < 0) return sign + "0." + "0".repeat(-exp - 1) + mant;
    return sign + mant + "0".repeat(exp - (mant.length - 1));
  }

  // A chart tick: src/format.rs `tick` (6 significant digits, shortest text; scientific
  // outside [1e-3, 1e6) with 3).
  function tick(v) {
    if (v === 0 || !isFinite(v)) return number(v);
    var a = Math.abs(v);
    if (a >= 1e6 || a < 1e-3) return toExponential(v, 2);
    return full(parseFloat(toExponential(v, 5)));
  }

  // src/format.rs `plus_minus`: the spread in the mean's decimals.
  function plusMinus(mean, spread, significant) {
    var m = number(mean, significant);
    if (!isNum(spread) || /[eNI]/.test(m)) return m + " ± " + number(spread, significant);
    var dot = m.indexOf(".");
    return m + " ± " + toFixed(spread, dot < 0 ? 0 : m.length - dot - 1);
  }

  // "42 s", "3 min 05 s", "2 h 07 min", "3 d 04 h": src/format.rs `duration`.
  function duration(seconds) {
    if (!isNum(seconds) || seconds < 0) return "";
    var t = Math.round(seconds), d = Math.floor(t / 86400), h = Math.floor(t / 3600) % 24, m = Math.floor(t / 60) % 60, s = t % 60;
    function two(n) { return n < 10 ? "0" + n : String(n); }
    if (d > 0) return d + " d " + two(h) + " h";
    if (h > 0) return h + " h " + two(m) + " min";
    if (m > 0) return m + " min " + two(s) + " s";
    if (seconds < 10 && seconds % 1 !== 0) return toFixed(seconds, 1) + " s";
    return s + " s";
  }

  // Round ticks: multiples of 1, 2 or 5 x 10^n, the finest giving at most `max` of them; with
  // `integer` (an axis of steps) no step below 1. chart/x_axis.rs `nice_ticks`, so that the
  // script's axes look like the page's.
  function niceTicks(lo, hi, max, integer) {
    if (!isFinite(lo) || !isFinite(hi) || !(max > 0)) return [];
    if (hi <= lo) return [lo];
    var unit = Math.pow(10, Math.floor(Math.log10((hi - lo) / max)));
    if (integer) unit = Math.max(unit, 1);
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

  // Ticks of the y axis: chart/y_axis.rs `y_ticks` (round values on a linear scale; powers of
  // ten on a log scale, thinned over many decades, with 2 and 5 between over fewer than two).
  function yTicks(lo, hi, log) {
    if (!log) return niceTicks(lo, hi, 6, false);
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

  // A hyperparameter as the page's table shows it (render's `ParamValue::to_text`): numbers in
  // full ("0.0000001", never "1e-7"), everything else as written.
  function param(v) { return typeof v === "number" ? full(v) : v === undefined || v === null ? "" : String(v); }

  ahnb.format = { isNum: isNum, number: number, full: full, param: param, tick: tick, plusMinus: plusMinus, duration: duration };
  // The x axis of a line chart (chart/x_axis.rs `write_x_axis`): whole-numbered ends are steps.
  function xTicks(lo, hi) { return niceTicks(lo, hi, 8, Number.isInteger(lo) && Number.isInteger(hi)); }

  ahnb.ticks = { nice: niceTicks, x: xTicks, y: yTicks };
})(window.ahnb = window.ahnb || {});
