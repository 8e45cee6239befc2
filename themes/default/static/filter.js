// ahnb filter.js: the one filter grammar of the pages' tables, with no DOM so node can test it
// (tests/browser/contracts.test.mjs). A filter is words separated by spaces, all of which must
// hold for a row:
// - `word` occurs (ignoring case) in the run's searchable text: its name, status, seed group
//   and every hyperparameter as `key=value` (as the table shows it);
// - `key:text` the column's value contains `text`;
// - `key<v`, `key<=v`, `key>v`, `key>=v` compare the column's value as a number (a row without
//   a number there never matches);
// - `key=v`, `key!=v` compare as numbers when both are numbers, else as text (ignoring case).
// `key` names a column: its key (rank, run, status, progress, duration, steps), else its
// label (a metric's name means its best value), else the first column whose label starts with
// it. A key that names no column matches no row.
(function (ahnb) {
  "use strict";

  function parse(text) {
    return String(text).trim().split(/\s+/).filter(Boolean).map(function (term) {
      var m = term.match(/^([^<>=!:]+)(<=|>=|!=|<|>|=|:)(.*)$/);
      if (m) return { key: m[1].toLowerCase(), op: m[2], value: m[3].toLowerCase() };
      return { text: term.toLowerCase() };
    });
  }

  // The column `key` names among `columns` ([{ key, label, last }]), or null.
  function column(columns, key) {
    var i;
    key = key.toLowerCase();
    for (i = 0; i < columns.length; i++) if (columns[i].key.toLowerCase() === key) return columns[i];
    for (i = 0; i < columns.length; i++) if (!columns[i].last && columns[i].label.toLowerCase() === key) return columns[i];
    for (i = 0; i < columns.length; i++) if (columns[i].label.toLowerCase().indexOf(key) === 0) return columns[i];
    return null;
  }

  // Whether one term holds for a value (undefined/null: the row has none).
  function holds(t, v) {
    if (v === undefined || v === null) return false;
    var text = String(v).toLowerCase();
    if (t.op === ":") return text.indexOf(t.value) >= 0;
    var x = typeof v === "number" ? v : parseFloat(v), y = parseFloat(t.value);
    var numeric = isFinite(x) && !isNaN(y);
    switch (t.op) {
      case "<": return numeric && x < y;
      case ">": return numeric && x > y;
      case "<=": return numeric && x <= y;
      case ">=": return numeric && x >= y;
      case "=": return numeric ? x === y : text === t.value;
      case "!=": return numeric ? x !== y : text !== t.value;
    }
    return false;
  }

  // Whether a row passes every term. `row.text` is its searchable text; `row.value(column)`
  // its value in a column found by `column(columns, key)`.
  function matches(terms, columns, row) {
    return terms.every(function (t) {
      if (t.text !== undefined) return row.text.toLowerCase().indexOf(t.text) >= 0;
      var c = column(columns, t.key);
      return c !== null && holds(t, row.value(c));
    });
  }

  ahnb.filter = { parse: parse, column: column, holds: holds, matches: matches };
})(window.ahnb = window.ahnb || {});
