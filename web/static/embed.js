// Draws the embed's chart with Plotly from the figure JSON the page carries (no inline script,
// so the Content-Security-Policy needs no exception for embeds). When the server already drew
// the chart as SVG, Plotly is fetched only once the reader asks to explore it.
(function () {
  "use strict";
  var holder = document.getElementById("embed-figure");
  var target = document.getElementById("embed-chart");
  var explore = document.getElementById("embed-explore");
  if (!holder || !target) { return; }

  function draw() {
    var figure = JSON.parse(holder.textContent);
    // A responsive plot takes its container's height when the window is resized; the
    // container needs the figure's own height, or it collapses and the chart overlaps the text.
    if (figure.layout && figure.layout.height) {
      target.style.height = figure.layout.height + "px";
    }
    target.textContent = "";
    target.classList.remove("static");
    target.removeAttribute("role");
    target.removeAttribute("aria-label");
    return window.Plotly.newPlot(target, figure.data || [], figure.layout || {}, {
      displaylogo: false,
      responsive: true,
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
    }).then(function () {
      target.setAttribute("data-drawn", "true");
      target.setAttribute("data-interactive", "true");
    });
  }

  if (!explore) {
    if (window.Plotly) { draw(); }
    return;
  }
  explore.addEventListener("click", function () {
    explore.disabled = true;
    explore.textContent = "Loading the interactive chart…";
    var script = document.createElement("script");
    script.src = explore.getAttribute("data-plotly");
    script.onload = function () {
      draw().then(function () { explore.remove(); });
    };
    script.onerror = function () {
      explore.disabled = false;
      explore.textContent = "The interactive chart did not load: try again";
    };
    document.body.appendChild(script);
  });
})();
