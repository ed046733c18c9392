// Heavy bundles only where a page needs them (web/delivery.py explains the server's side).
//
// 1. Plotly: dcc.Graph fetches plotly.js from window._dashPlotlyJSURL when it first draws a
//    chart; Dash points that at its full 4.8 MB plotly.min.js. The page's head names the site's
//    partial bundle instead, and this keeps Dash from overwriting the address.
// 2. Component libraries left out of the page's scripts (the data grid): each component of
//    theirs renders nothing until the library's bundle, fetched on first use, has loaded.
(function () {
  "use strict";

  const plotly = document.querySelector('meta[name="observatory:plotly-js"]');
  if (plotly) {
    const url = plotly.content;
    Object.defineProperty(window, "_dashPlotlyJSURL", {
      configurable: true,
      get: () => url,
      set: () => {},
    });
  }

  for (const tag of document.querySelectorAll('meta[name="observatory:lazy-bundle"]')) {
    const namespace = tag.dataset.namespace;
    const src = tag.content;
    let loading = null;
    const load = () => {
      loading =
        loading ||
        new Promise((resolve, reject) => {
          const script = document.createElement("script");
          script.src = src;
          script.onload = () => resolve(window[namespace]);
          script.onerror = () => reject(new Error(`${src} did not load`));
          document.body.appendChild(script);
        });
      return loading;
    };
    const stand_ins = {};
    const standIn = (type) => {
      if (!stand_ins[type]) {
        const LazyComponent = (props) => {
          const [Real, setReal] = window.React.useState(null);
          window.React.useEffect(() => {
            let mounted = true;
            load().then((library) => mounted && setReal(() => library[type]));
            return () => {
              mounted = false;
            };
          }, []);
          return Real ? window.React.createElement(Real, props) : null;
        };
        // Dash passes dashRenderType to components that declare it (AG Grid does).
        LazyComponent.dashRenderType = true;
        stand_ins[type] = LazyComponent;
      }
      return stand_ins[type];
    };
    // Components are capitalised (AgGrid); anything else is one of the library's functions
    // (getApiAsync), which waits for the bundle and answers with a promise.
    const member = (name) =>
      /^[A-Z]/.test(name) ? standIn(name) : (...args) => load().then((library) => library[name](...args));
    window[namespace] = new Proxy(
      {},
      { get: (_, name) => (typeof name === "string" ? member(name) : undefined) },
    );
  }
})();
