// Client-side helpers for the chart cards and the filter bar (no server round trip needed).
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  observatory: {
    downloadImage: function (clicks, graphId, buttonId) {
      const graph = document.getElementById(graphId);
      const plot = graph && graph.querySelector(".js-plotly-plot");
      if (!clicks || !plot) { return; }
      const format = buttonId.endsWith("-svg") ? "svg" : "png";
      const name = graphId.replace(/^chart-/, "").replace(/-graph$/, "");
      window.Plotly.downloadImage(plot, { format: format, filename: name, scale: 2 });
    },
    currentLink: function (clicks, cardId) {
      return window.location.href.split("#")[0] + "#" + cardId;
    },
    syncUrl: function (state) {
      const params = new URLSearchParams();
      Object.entries(state || {}).forEach(function ([name, value]) {
        if (value === null || value === undefined || value === "") { return; }
        const text = Array.isArray(value) ? value.join(",") : String(value);
        if (text) { params.set(name, text); }
      });
      const query = params.toString();
      const url = window.location.pathname + (query ? "?" + query : "");
      if (url !== window.location.pathname + window.location.search) {
        window.history.replaceState(window.history.state, "", url);
      }
      return window.dash_clientside.no_update;
    },
    applyTheme: function (dark) {
      const theme = dark ? "dark" : "light";
      document.documentElement.setAttribute("data-bs-theme", theme);
      return theme;
    },
  },
});
