// Client-side helpers for the chart cards and the filter bar (no server round trip needed).

// The filter state as a query string, as the pages' URLs and the API take it ("" when none).
function filterQuery(state) {
  const params = new URLSearchParams();
  Object.entries(state || {}).forEach(function ([name, value]) {
    if (value === null || value === undefined || value === "") { return; }
    const text = Array.isArray(value) ? value.join(",") : String(value);
    if (text) { params.set(name, text); }
  });
  const query = params.toString();
  return query ? "?" + query : "";
}

const NARROW_SCREEN = "(max-width: 575.98px)";

window.dash_clientside = Object.assign({}, window.dash_clientside, {
  observatory: {
    // A chart card's CSV, PNG and SVG come from the chart API under the card's filters; its
    // table is built on the server only while it is open (for these filters).
    cardFilters: function (state, open, cardId) {
      const chart = cardId.replace(/^card-/, "");
      const query = filterQuery(state);
      const links = ["csv", "png", "svg"].map(function (format) {
        return "/api/v1/charts/" + encodeURIComponent(chart) + "." + format + query;
      });
      return links.concat([open ? { filters: state || {} } : window.dash_clientside.no_update]);
    },
    // cardFilters for several cards at once: (state, each card's table open, each card's id).
    // A table opened or closed changes only its own card; new filters change every card.
    cardsFilters: function (state) {
      const count = (arguments.length - 1) / 2;
      const opens = Array.prototype.slice.call(arguments, 1, 1 + count);
      const cardIds = Array.prototype.slice.call(arguments, 1 + count);
      const triggered = (window.dash_clientside.callback_context.triggered || [])
        .map(function (item) { return item.prop_id; })
        .filter(function (propId) { return propId && propId !== "."; });
      const everyCard = !triggered.length || triggered.some(function (propId) {
        return !propId.endsWith("-table-collapse.is_open");
      });
      const skip = window.dash_clientside.no_update;
      let outputs = [];
      cardIds.forEach(function (cardId, index) {
        const mine = cardId.replace(/^card-/, "chart-") + "-table-collapse.is_open";
        if (everyCard || triggered.indexOf(mine) >= 0) {
          outputs = outputs.concat(
            window.dash_clientside.observatory.cardFilters(state, opens[index], cardId));
        } else {
          outputs = outputs.concat([skip, skip, skip, skip]);
        }
      });
      return outputs;
    },
    currentLink: function (clicks, cardId) {
      return window.location.href.split("#")[0] + "#" + cardId;
    },
    // The filter bar's values by filter name (controls first, then text boxes).
    collectFilters: function (values, texts) {
      const inputs = window.dash_clientside.callback_context.inputs_list;
      const controls = inputs[0].concat(inputs[1]);
      const all = (values || []).concat(texts || []);
      const state = {};
      controls.forEach(function (item, index) {
        state[item.id.name] = all[index] === undefined ? null : all[index];
      });
      return state;
    },
    syncUrl: function (state) {
      const url = window.location.pathname + filterQuery(state);
      if (url !== window.location.pathname + window.location.search) {
        window.history.replaceState(window.history.state, "", url);
      }
      return window.dash_clientside.no_update;
    },
    // Pages whose title depends on the record shown (a project, a recommendation, a case study)
    // set the browser tab's title once the record is known.
    setTitle: function (title) {
      if (title) { document.title = title; }
      return window.dash_clientside.no_update;
    },
    // "narrow" below Bootstrap's sm breakpoint (figures.registry.NARROW_PX), where a chart with
    // a phone form draws it; unchanged answers leave the charts alone.
    viewport: function (_pathname, current) {
      const shown = window.matchMedia(NARROW_SCREEN).matches ? "narrow" : "wide";
      return shown === current ? window.dash_clientside.no_update : shown;
    },
    applyTheme: function (dark) {
      const theme = dark ? "dark" : "light";
      document.documentElement.setAttribute("data-bs-theme", theme);
      return theme;
    },
  },
});

// Dash 4's dropdown takes keyboard focus on a hidden proxy input that is aria-hidden yet
// focusable (axe: aria-hidden-focus, serious), and its button is named only by its value.
// Give focus to the dropdown's own button instead, and name that button by the filter's label
// as well, so a screen reader says "Financial year, Latest".
(function () {
  function mendDropdowns() {
    document.querySelectorAll(".dash-dropdown-focus-target").forEach(function (proxy) {
      if (proxy.tabIndex !== -1) { proxy.tabIndex = -1; }
    });
    document.querySelectorAll("button.dash-dropdown").forEach(function (button) {
      if (button.tabIndex !== 0) { button.tabIndex = 0; }
      const label = document.querySelector('label[for="' + CSS.escape(button.id) + '"]');
      const named = button.getAttribute("aria-labelledby") || "";
      if (label && label.id && named.split(" ").indexOf(label.id) === -1) {
        button.setAttribute("aria-labelledby", (label.id + " " + named).trim());
      }
    });
  }
  new MutationObserver(mendDropdowns).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
})();

// The data officer's upload is a plain form POST that answers once the file is loaded, which
// for a large file takes minutes: say so, and stop a second click from loading it twice.
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (!form || form.id !== "data-upload-form") { return; }
  const button = form.querySelector('button[type="submit"]');
  const progress = document.getElementById("data-upload-progress");
  const chosen = form.querySelector('input[type="file"]');
  const name = chosen && chosen.files && chosen.files[0] ? chosen.files[0].name : "the file";
  if (button) {
    button.disabled = true;
    button.textContent = "Loading…";
  }
  if (progress) {
    progress.textContent = "Uploading and loading " + name + ". A large file can take a few "
      + "minutes; keep this page open. Its load summary opens when it is done.";
  }
});
// Back from the load summary, the browser may restore the page as it was left: loading.
window.addEventListener("pageshow", function (event) {
  const form = document.getElementById("data-upload-form");
  if (!event.persisted || !form) { return; }
  const button = form.querySelector('button[type="submit"]');
  if (button) {
    button.disabled = false;
    button.textContent = "Upload and load";
  }
  const progress = document.getElementById("data-upload-progress");
  if (progress) { progress.textContent = ""; }
});

// A phone turned on its side, or a window narrowed past the breakpoint, switches the charts
// that have a phone form (the store is components/shell.py's ids.VIEWPORT_STORE).
window.matchMedia(NARROW_SCREEN).addEventListener("change", function (query) {
  if (window.dash_clientside.set_props) {
    window.dash_clientside.set_props("viewport-store", { data: query.matches ? "narrow" : "wide" });
  }
});
