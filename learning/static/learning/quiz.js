/* Quiz time limit: #quiz-timer[data-seconds] counts down (m:ss) and submits #quiz-form at zero.
   The server enforces the limit too; this only shows it and hands the answers in on time. */
(function () {
  "use strict";
  var el = document.getElementById("quiz-timer");
  var form = document.getElementById("quiz-form");
  if (!el || !form) { return; }
  var left = parseInt(el.getAttribute("data-seconds"), 10);
  if (isNaN(left)) { return; }
  function show() {
    var m = Math.floor(Math.max(left, 0) / 60), s = Math.max(left, 0) % 60;
    el.textContent = m + ":" + (s < 10 ? "0" : "") + s;
  }
  show();
  var timer = setInterval(function () {
    left -= 1;
    show();
    if (left <= 0) { clearInterval(timer); form.requestSubmit(); }
  }, 1000);
})();
