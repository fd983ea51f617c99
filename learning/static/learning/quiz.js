/* Quiz time limit: #quiz-timer[data-seconds] counts down (m:ss) and submits #quiz-form at zero.
   Counted against a deadline, not by ticks, so a throttled background tab still hands in on time.
   The server enforces the limit too; this only shows it and hands the answers in. */
(function () {
  "use strict";
  var el = document.getElementById("quiz-timer");
  var form = document.getElementById("quiz-form");
  if (!el || !form) { return; }
  var seconds = parseInt(el.getAttribute("data-seconds"), 10);
  if (isNaN(seconds)) { return; }
  var deadline = Date.now() + seconds * 1000;
  var timer = null;
  function tick() {
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    el.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    if (left <= 0) {
      clearInterval(timer);
      form.requestSubmit();
    }
  }
  timer = setInterval(tick, 1000);
  tick();
})();
