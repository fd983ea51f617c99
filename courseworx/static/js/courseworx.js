// Site-wide behaviour. Kept tiny: pages are server-rendered, htmx does partial updates.
document.addEventListener("htmx:responseError", function (evt) {
  // The sentence comes translated from base.html (<body data-cw-error-message>), "{status}" filled in here.
  var template = document.body.getAttribute("data-cw-error-message") || "Something went wrong ({status}). Please try again.";
  var msg = template.replace("{status}", evt.detail.xhr.status);
  try { var body = JSON.parse(evt.detail.xhr.responseText); if (body.error && body.error.message) msg = body.error.message; } catch (e) {}
  var box = document.getElementById("htmx-error");
  if (!box) {
    box = document.createElement("div");
    box.id = "htmx-error";
    box.className = "alert alert-danger position-fixed bottom-0 end-0 m-3 shadow";
    box.setAttribute("role", "alert");
    document.body.appendChild(box);
  }
  box.textContent = msg;
  setTimeout(function () { box.remove(); }, 6000);
});
// Behaviour that used to be inline (the Content-Security-Policy runs no inline script or on*= handler):
// <select data-autosubmit> submits its form when changed.
document.addEventListener("change", function (evt) {
  var el = evt.target;
  if (el && el.form && el.hasAttribute && el.hasAttribute("data-autosubmit")) el.form.requestSubmit();
});
// <form data-confirm="Question?"> asks before it is sent.
document.addEventListener("submit", function (evt) {
  var form = evt.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { evt.preventDefault(); evt.stopImmediatePropagation(); }
}, true);
// [data-scroll-bottom] (a conversation) starts scrolled to its newest message, also after an htmx swap.
htmx.onLoad(function (root) {
  var boxes = root.matches && root.matches("[data-scroll-bottom]") ? [root] : [];
  boxes = boxes.concat(Array.prototype.slice.call(root.querySelectorAll ? root.querySelectorAll("[data-scroll-bottom]") : []));
  boxes.forEach(function (box) { box.scrollTop = box.scrollHeight; });
});
