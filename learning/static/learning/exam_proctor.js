/* Certification exam proctoring: records focus loss and return (window blur/focus), tab hidden/visible
   (visibilitychange), copy/cut/paste, the context menu and full screen enter/exit, and POSTs them in batches
   (JSON with the CSRF token) to #exam-proctor[data-url].  The candidate is told on the page.  Nothing is
   blocked: events are only recorded for the reviewers.  At most 50 events go in one request. */
(function () {
  "use strict";
  var holder = document.getElementById("exam-proctor");
  var form = document.getElementById("exam-form");
  if (!holder || !form) { return; }
  var url = holder.getAttribute("data-url");
  var csrf = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var queue = [];
  var stopped = false;
  var BATCH = 50;

  function record(kind, detail) {
    if (stopped) { return; }
    queue.push({ kind: kind, occurred_at: new Date().toISOString(), detail: (detail || "").slice(0, 200) });
    if (queue.length >= 10) { flush(false); }
  }

  function flush(leaving) {
    if (!queue.length || stopped) { return; }
    var events = queue.splice(0, BATCH);
    var body = JSON.stringify({ events: events });
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!leaving,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: body
    }).then(function (response) {
      if (response.status === 409 || response.status === 404) { stopped = true; }  // the attempt is over
      else if (!response.ok && response.status >= 500) { queue = events.concat(queue); }
    }).catch(function () { queue = events.concat(queue).slice(0, 500); });
  }

  window.addEventListener("blur", function () { record("focus_lost"); });
  window.addEventListener("focus", function () { record("focus_returned"); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { record("tab_hidden"); flush(true); }
    else { record("tab_visible"); }
  });
  ["copy", "cut", "paste"].forEach(function (kind) {
    document.addEventListener(kind, function () { record(kind); });
  });
  document.addEventListener("contextmenu", function () { record("context_menu"); });
  document.addEventListener("fullscreenchange", function () {
    var on = !!document.fullscreenElement;
    record(on ? "fullscreen_enter" : "fullscreen_exit");
    if (button) { button.hidden = on; }
  });

  // The "Full screen" button (only where the browser offers it).
  var button = document.getElementById("exam-fullscreen");
  if (button && document.documentElement.requestFullscreen && document.fullscreenEnabled) {
    button.hidden = false;
    button.addEventListener("click", function () {
      document.documentElement.requestFullscreen().catch(function () { button.hidden = true; });
    });
  }

  form.addEventListener("submit", function () { flush(true); });
  window.addEventListener("pagehide", function () { flush(true); });
  setInterval(function () { flush(false); }, 5000);
})();
