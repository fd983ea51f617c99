/* Report charts: read the specs rendered with json_script ("report-charts") and draw them with the
   vendored Chart.js 4.  Spec: {id, title, type: bar|line|radar|doughnut, labels, datasets:[{label,data}],
   stacked, horizontal, unit}.  The same specs are drawn as SVG by pygal for PDFs. */
(function () {
  "use strict";
  var node = document.getElementById("report-charts");
  if (!node || typeof Chart === "undefined") { return; }
  var palette = ["#3b3fb6", "#f5a524", "#1f9d74", "#d9435e", "#6f42c1", "#0d8ec1", "#8a8d91", "#b7791f"];
  var specs = JSON.parse(node.textContent);
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + ((n >> 16) & 255) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + a + ")";
  }

  specs.forEach(function (spec) {
    var canvas = document.getElementById("chart-" + spec.id);
    if (!canvas) { return; }
    var type = spec.type;
    var datasets = spec.datasets.map(function (d, i) {
      var colour = palette[i % palette.length];
      var ds = { label: d.label, data: d.data, borderColor: colour, backgroundColor: colour };
      if (type === "line") { ds.backgroundColor = alpha(colour, 0.15); ds.fill = spec.datasets.length === 1; ds.tension = 0.3; ds.pointRadius = spec.labels.length > 45 ? 0 : 3; }
      if (type === "radar") { ds.backgroundColor = alpha(colour, 0.2); ds.pointRadius = 3; }
      if (type === "doughnut") { ds.backgroundColor = spec.labels.map(function (_, j) { return palette[j % palette.length]; }); ds.borderColor = "#fff"; }
      return ds;
    });
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion ? false : { duration: 400 },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } }, tooltip: { mode: type === "doughnut" || type === "radar" ? "nearest" : "index", intersect: false } },
    };
    if (type === "bar" || type === "line") {
      var valueAxis = { beginAtZero: true, stacked: !!spec.stacked, ticks: { precision: 0 } };
      var labelAxis = { stacked: !!spec.stacked, ticks: { autoSkip: true, maxRotation: 45, callback: function (v) { var l = this.getLabelForValue(v); return l.length > 22 ? l.slice(0, 21) + "…" : l; } } };
      if (spec.horizontal) { options.indexAxis = "y"; options.scales = { x: valueAxis, y: labelAxis }; }
      else { options.scales = { x: labelAxis, y: valueAxis }; }
    }
    if (type === "radar") { options.scales = { r: { beginAtZero: true, suggestedMax: 100 } }; }
    if (type === "doughnut") { options.cutout = "55%"; }
    new Chart(canvas, { type: type, data: { labels: spec.labels, datasets: datasets }, options: options });
  });
})();
