// Draws the embed's chart from the figure JSON the page carries (no inline script, so the
// Content-Security-Policy needs no exception for embeds).
(function () {
  "use strict";
  var holder = document.getElementById("embed-figure");
  var target = document.getElementById("embed-chart");
  if (!holder || !target || !window.Plotly) { return; }
  var figure = JSON.parse(holder.textContent);
  // A responsive plot takes its container's height when the window is resized; the
  // container needs the figure's own height, or it collapses and the chart overlaps the text.
  if (figure.layout && figure.layout.height) {
    target.style.height = figure.layout.height + "px";
  }
  window.Plotly.newPlot(target, figure.data || [], figure.layout || {}, {
    displaylogo: false,
    responsive: true,
    modeBarButtonsToRemove: ["select2d", "lasso2d"],
  }).then(function () {
    target.setAttribute("data-drawn", "true");
  });
})();
