/* Charts load plotly.js when the first one is drawn, from the address the Dash renderer puts in
 * window._dashPlotlyJSURL (the full 4.8 MB bundle of the plotly package). Every chart here is a bar, heatmap,
 * pie or scatter, which the cartesian bundle (1.5 MB, the same plotly.js version, vendored from npm:
 * plotly.js-cartesian-dist-min 4.1.1) draws: point the renderer there, so a board's charts appear sooner.
 * app.py keeps the bundle itself out of the scripts every page loads (assets_ignore). Its folder names the package
 * and version, so the address changes with the bytes and browsers keep it as immutable (web/transport.py). */
(function () {
  "use strict";

  var here = document.currentScript && document.currentScript.src ? document.currentScript.src : window.location.href;
  var bundle = new URL("vendor/plotly.js-cartesian-dist-min@4.1.1/plotly-cartesian.min.js", here).pathname;
  Object.defineProperty(window, "_dashPlotlyJSURL", {
    configurable: true,
    get: function () { return bundle; },
    set: function () { /* the renderer's default (the full bundle) is not wanted */ }
  });
})();
