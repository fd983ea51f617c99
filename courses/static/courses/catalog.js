// Catalog filters (htmx): leave empty fields out of the request so shared URLs stay short.
document.addEventListener("htmx:configRequest", function (evt) {
  if (!evt.detail.elt || evt.detail.elt.id !== "catalog-form") return;
  var params = evt.detail.parameters;
  Object.keys(params).forEach(function (key) {
    if (params[key] === "") delete params[key];
  });
});
