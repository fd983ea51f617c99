// Site-wide behaviour. Kept tiny: pages are server-rendered, htmx does partial updates.
document.addEventListener("htmx:responseError", function (evt) {
  var msg = "Something went wrong (" + evt.detail.xhr.status + "). Please try again.";
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
