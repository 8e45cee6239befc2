// ahnb live updates: added to pages by `ahnb serve` only (the built site never loads it).
//
// The server sends an `update` event ({version, changed: [site paths]}) after each rebuild. When
// the page or a file it uses changed, the page is fetched again and patched in place: every unit
// (a figure, the page data, the lede) whose HTML changed is replaced, the rest of the page is
// compared without them, and the page's scripts are asked to bind to the new elements and apply
// their saved state again (`ahnb.refresh`, see IFACE-14.md), so scroll, zoom, brushes, sort and
// selection stay. A page that cannot patch itself (no `ahnb.refresh`, or a patch that fails)
// reloads, keeping its scroll position.
(function () {
  "use strict";
  if (!window.EventSource || !window.fetch || !window.DOMParser) return;
  var tag = document.currentScript;
  var version = Number(tag && tag.getAttribute("data-ahnb-live")) || 0;
  var SCROLL_KEY = "ahnb-live-scroll:" + location.pathname;
  // Units are replaced whole; elements marked data-live are drawn by the scripts from the page
  // data, so their served HTML is not compared.
  var UNITS = ".figure[id], #project-data, .lede, [data-live-unit]";
  var baseline = null; // the page as last served, to tell what changed
  var busy = false;
  var again = false;
  var live = (window.ahnb = window.ahnb || {});
  live.liveVersion = function () { return version; };
  live.livePatches = 0;

  restoreScroll();

  /** The site path of this page ("mnist/index.html"), as the server lists changed files. */
  function sitePath(url) {
    var path = decodeURIComponent(new URL(url, location.href).pathname).replace(/^\//, "");
    return path === "" || path.endsWith("/") ? path + "index.html" : path;
  }

  /** Whether a rebuild that changed `changed` concerns this page. */
  function concerns(changed) {
    var mine = { };
    mine[sitePath(location.href)] = true;
    var used = document.querySelectorAll("script[src], link[href], [data-curves]");
    for (var i = 0; i < used.length; i++) {
      var el = used[i];
      var ref = el.getAttribute("src") || el.getAttribute("href") || el.getAttribute("data-curves");
      if (ref) mine[sitePath(ref.split("?")[0])] = true;
    }
    for (var j = 0; j < changed.length; j++) if (mine[changed[j]]) return true;
    return false;
  }

  function fetchPage() {
    return fetch(location.href, { cache: "no-store" }).then(function (response) {
      if (!response.ok) throw new Error("status " + response.status);
      return response.text();
    }).then(function (text) { return new DOMParser().parseFromString(text, "text/html"); });
  }

  function unitKey(el, index) {
    return el.id ? "#" + el.id : el.className + ":" + index;
  }

  function units(root) {
    var found = {};
    var list = root.querySelectorAll(UNITS);
    for (var i = 0; i < list.length; i++) found[unitKey(list[i], i)] = list[i];
    return found;
  }

  /** The page's main content with units and script-drawn parts blanked, for comparison. */
  function skeleton(doc) {
    var main = doc.querySelector("main") || doc.body;
    var copy = main.cloneNode(true);
    var blank = copy.querySelectorAll(UNITS + ", [data-live]");
    for (var i = 0; i < blank.length; i++) blank[i].textContent = "";
    return copy.innerHTML;
  }

  function reload() {
    try { sessionStorage.setItem(SCROLL_KEY, String(window.scrollY)); } catch (e) { /* private mode */ }
    location.reload();
  }

  function restoreScroll() {
    var saved = null;
    try { saved = sessionStorage.getItem(SCROLL_KEY); sessionStorage.removeItem(SCROLL_KEY); } catch (e) { /* ignore */ }
    if (saved !== null) {
      window.addEventListener("load", function () { window.scrollTo(0, Number(saved)); });
    }
  }

  /** Replaces what changed between `before` and `after` (both as served) in the live page. */
  function patch(before, after, cacheBust) {
    if (typeof live.refresh !== "function") return false;
    var newUnits = units(after);
    var oldUnits = units(before);
    var keys = Object.keys(newUnits);
    if (keys.length !== Object.keys(oldUnits).length) return false;
    if (skeleton(before) !== skeleton(after)) {
      // The page's structure changed (a new section, new cards, a new run row in a list):
      // replace the whole main content; the scripts restore their state from `ahnb.state`.
      var main = document.querySelector("main");
      var fresh = after.querySelector("main");
      if (!main || !fresh) return false;
      main.replaceWith(document.importNode(fresh, true));
      live.refresh(document);
      return true;
    }
    var current = units(document);
    var replaced = 0;
    for (var i = 0; i < keys.length; i++) {
      var key = keys[i];
      if (!oldUnits[key] || !current[key]) return false;
      if (oldUnits[key].outerHTML === newUnits[key].outerHTML && !(key === "#project-data" && cacheBust)) continue;
      var node = document.importNode(newUnits[key], true);
      if (cacheBust && node.hasAttribute("data-curves")) {
        node.setAttribute("data-curves", node.getAttribute("data-curves").split("?")[0] + "?v=" + version);
      }
      current[key].replaceWith(node);
      replaced++;
    }
    if (replaced > 0) live.refresh(document);
    return true;
  }

  function update(changed) {
    if (busy) { again = true; return; }
    busy = true;
    var curves = document.querySelector("[data-curves]");
    var curvesPath = curves && sitePath(curves.getAttribute("data-curves").split("?")[0]);
    var cacheBust = Boolean(curvesPath && changed.indexOf(curvesPath) >= 0);
    var before = baseline;
    fetchPage().then(function (after) {
      var ok = false;
      try { ok = before !== null && patch(before, after, cacheBust); } catch (e) { ok = false; }
      if (!ok) { reload(); return; }
      baseline = after;
      live.livePatches++;
      document.dispatchEvent(new CustomEvent("ahnb:live", { detail: { version: version, changed: changed } }));
    }).catch(function () { reload(); }).then(function () {
      busy = false;
      if (again) { again = false; update([sitePath(location.href)]); }
    });
  }

  // The page as served now: the reference for the first patch.
  fetchPage().then(function (doc) {
    var served = doc.querySelector("script[data-ahnb-live]");
    // Rebuilt between this page's load and this fetch: the page is behind its baseline.
    if (served && Number(served.getAttribute("data-ahnb-live")) !== version) { reload(); return; }
    baseline = doc;
  }).catch(function () { baseline = null; });

  var source = new EventSource("/__ahnb/events");
  source.addEventListener("version", function (event) {
    // The site was rebuilt while this page was loading or disconnected.
    if (Number(event.data) > version) { version = Number(event.data); update([sitePath(location.href)]); }
  });
  source.addEventListener("update", function (event) {
    var message = JSON.parse(event.data);
    version = message.version;
    if (concerns(message.changed)) update(message.changed);
  });
  source.addEventListener("lagged", reload);
})();
