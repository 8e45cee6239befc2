// ahnb live updates (added by `ahnb serve` only; the built site never loads it).
(function () {
  "use strict";
  var tag = document.currentScript;
  var version = Number(tag && tag.getAttribute("data-ahnb-live")) || 0;
  var source = new EventSource("/__ahnb/events");
  source.addEventListener("version", function (event) {
    if (Number(event.data) > version) location.reload();
  });
  source.addEventListener("update", function (event) {
    var update = JSON.parse(event.data);
    version = update.version;
    location.reload();
  });
  source.addEventListener("lagged", function () { location.reload(); });
})();
