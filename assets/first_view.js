// The first view of a public page (web/first_view.py): the page arrives drawn by the server and
// Dash's scripts wait, inert, in <template id="observatory-app-scripts">. They are loaded, and
// turn this page into the interactive one in place, when the visitor
//   - presses "Use the interactive page" (remembered in a cookie for later visits),
//   - reaches for a control that needs them (marked data-needs-app), or
//   - is on a wide screen that is not saving data, once the page has loaded.
// On the interactive page itself there is no template, and this does nothing.
(function () {
  "use strict";

  const template = document.getElementById("observatory-app-scripts");
  if (!template) {
    return;
  }
  let started = false;

  function say(text) {
    const notice = document.querySelector(".first-view-notice");
    if (notice) {
      notice.textContent = text;
      notice.setAttribute("aria-live", "polite");
    }
  }

  function loadApp() {
    if (started) {
      return;
    }
    started = true;
    say("Loading the interactive page…");
    const scripts = Array.from(template.content.querySelectorAll("script"));
    const external = scripts.filter((s) => s.src && s.src.indexOf("first_view.js") === -1);
    // Inline ones (client-side callbacks' code) run once the libraries have; the renderer's own
    // line ("new DashRenderer()") is run here last, so it needs no inline script.
    const inline = scripts.filter((s) => !s.src && s.id !== "_dash-renderer");
    let last = null;
    for (const source of external) {
      const script = document.createElement("script");
      script.src = source.getAttribute("src");
      script.async = false; // downloaded together, run in the order Dash wrote them
      document.body.appendChild(script);
      last = script;
    }
    last.addEventListener("load", () => {
      for (const source of inline) {
        const script = document.createElement("script");
        script.textContent = source.textContent;
        document.body.appendChild(script);
      }
      window.renderer = new window.DashRenderer();
    });
    last.addEventListener("error", () => say("The interactive page could not be loaded."));
  }

  document.addEventListener("click", (event) => {
    const chosen = event.target.closest("[data-load-app]");
    if (chosen) {
      document.cookie = "observatory_view=app; path=/; max-age=31536000; samesite=lax";
      loadApp();
      return;
    }
    // The menu on a phone opens without the interactive page.
    const toggle = event.target.closest("[data-first-view-toggle]");
    const menu = document.getElementById("navbar-collapse");
    if (toggle && menu && !started) {
      const open = menu.classList.toggle("show");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });
  for (const kind of ["pointerdown", "focusin", "keydown"]) {
    document.addEventListener(kind, (event) => {
      if (event.target.closest && event.target.closest("[data-needs-app]")) {
        loadApp();
      }
    });
  }

  const saving = navigator.connection && navigator.connection.saveData;
  if (window.matchMedia("(min-width: 992px)").matches && !saving) {
    const soon = window.requestIdleCallback || ((run) => setTimeout(run, 1));
    if (document.readyState === "complete") {
      soon(loadApp);
    } else {
      window.addEventListener("load", () => soon(loadApp));
    }
  }
})();
