/* Lesson player: time spent.  While the page is visible, POST a heartbeat (htmx, so the CSRF header set on
   <body> goes with it) to the URL in #lesson-heartbeat[data-url] every data-seconds; the server caps each. */
(function () {
  "use strict";
  var el = document.getElementById("lesson-heartbeat");
  if (!el || typeof htmx === "undefined") { return; }
  var url = el.getAttribute("data-url");
  var seconds = parseInt(el.getAttribute("data-seconds"), 10) || 30;
  setInterval(function () {
    if (document.visibilityState === "visible") {
      htmx.ajax("POST", url, { swap: "none", values: { seconds: seconds } });
    }
  }, seconds * 1000);
})();
