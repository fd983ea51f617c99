// Mentorship pages: show times in the viewer's own time zone, and tell the server which zone the
// "date and time" inputs were typed in (the hidden `tz` field of the session forms).
(function () {
  "use strict";
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  var lang = document.documentElement.lang || undefined;
  document.querySelectorAll("time[data-local-time]").forEach(function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (isNaN(when.getTime())) { return; }
    try {
      el.textContent = new Intl.DateTimeFormat(lang, {
        weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
        timeZoneName: "short"
      }).format(when);
    } catch (e) { /* keep the server's UTC text */ }
  });
  document.querySelectorAll("input[data-browser-tz]").forEach(function (input) { input.value = zone; });
  // An edit form shows the stored UTC time: convert it to the browser's local time for the input.
  document.querySelectorAll("input[type=datetime-local][data-utc]").forEach(function (input) {
    var when = new Date(input.getAttribute("data-utc"));
    if (isNaN(when.getTime())) { return; }
    var pad = function (n) { return String(n).padStart(2, "0"); };
    input.value = when.getFullYear() + "-" + pad(when.getMonth() + 1) + "-" + pad(when.getDate()) + "T" +
      pad(when.getHours()) + ":" + pad(when.getMinutes());
  });
  document.querySelectorAll("[data-tz-note]").forEach(function (el) { if (zone) { el.textContent += " (" + zone + ")"; } });
}());
