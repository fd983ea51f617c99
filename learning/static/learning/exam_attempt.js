/* Certification exam attempt: the countdown, autosave and the submission at zero.
   #exam-timer[data-seconds] is the time left when the server rendered the page (its deadline); counted against
   a deadline on this clock, not by ticks, so a throttled background tab still hands in on time.  Answers of a
   question are POSTed as JSON to #exam-form[data-save-url] shortly after they change (with the CSRF token).
   The server enforces the deadline itself: a save or submission after it is refused (409 time_over) and the
   attempt is graded with what was saved, so on a 409 we go to the result page it names. */
(function () {
  "use strict";
  var form = document.getElementById("exam-form");
  var timerEl = document.getElementById("exam-timer");
  var stateEl = document.getElementById("exam-save-state");
  if (!form || !timerEl) { return; }
  var csrf = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var saveUrl = form.getAttribute("data-save-url");
  var submitting = false;

  // --- countdown -------------------------------------------------------------------------------
  var seconds = parseInt(timerEl.getAttribute("data-seconds"), 10);
  var warnAt = parseInt(timerEl.getAttribute("data-warn-seconds"), 10) || 60;
  var deadline = Date.now() + (isNaN(seconds) ? 0 : seconds) * 1000;
  var badge = timerEl.parentNode;
  var timer = null;
  function tick() {
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    timerEl.textContent = (h ? h + ":" + (m < 10 ? "0" : "") : "") + m + ":" + (s < 10 ? "0" : "") + s;
    if (left <= warnAt) { badge.classList.add("exam-timer-warn"); }
    if (left <= 0) {
      clearInterval(timer);
      submit();
    }
  }

  // --- answers ---------------------------------------------------------------------------------
  function answerOf(fieldset) {
    var kind = fieldset.getAttribute("data-kind");
    var inputs = fieldset.querySelectorAll("input");
    if (kind === "text") { return inputs.length ? inputs[0].value : ""; }
    var picked = [];
    inputs.forEach(function (input) { if (input.checked) { picked.push(input.value); } });
    if (kind === "multiple_choice") { return picked; }
    return picked.length ? picked[0] : "";
  }

  var pending = {};
  var saveTimer = null;
  function setState(text) { if (stateEl) { stateEl.textContent = text; } }

  function save() {
    saveTimer = null;
    var answers = pending;
    if (!Object.keys(answers).length) { return; }
    pending = {};
    setState(stateEl.getAttribute("data-saving-text"));
    fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ answers: answers })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) {
          setState(stateEl.getAttribute("data-saved-text") + " " + (data.time || ""));
        } else if (response.status === 409 && data.error && data.error.redirect) {
          window.location.assign(data.error.redirect);
        } else {
          throw new Error(String(response.status));
        }
      });
    }).catch(function () {
      Object.keys(answers).forEach(function (k) { if (!(k in pending)) { pending[k] = answers[k]; } });
      setState(stateEl.getAttribute("data-error-text"));
      if (!saveTimer) { saveTimer = setTimeout(save, 5000); }
    });
  }

  function changed(event) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (!fieldset) { return; }
    pending[fieldset.getAttribute("data-question")] = answerOf(fieldset);
    if (saveTimer) { clearTimeout(saveTimer); }
    saveTimer = setTimeout(save, event.type === "input" ? 1200 : 300);
  }

  function submit() {
    if (submitting) { return; }
    submitting = true;
    form.requestSubmit ? form.requestSubmit() : form.submit();
  }

  form.addEventListener("change", changed);
  form.addEventListener("input", changed);
  form.addEventListener("submit", function () {
    submitting = true;
    var button = document.getElementById("exam-submit");
    if (button) { button.disabled = true; }
  });
  timer = setInterval(tick, 1000);
  tick();
})();
