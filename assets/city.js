/* City Indicator Center: clientside callbacks and grid renderers. Loaded as a file (CSP: no inline script). */
(function () {
  "use strict";

  function lang() {
    var el = document.querySelector("[lang]");
    return el && el.getAttribute("lang") === "en" ? "en" : "zh";
  }
  function say(zh, en) { return lang() === "en" ? en : zh; }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    city: {
      showFileName: function (filename) { return filename || ""; },
      languageHref: function (pathname, search, href) {
        var base = String(href || "/lang/zh").split("?")[0];
        return base + "?next=" + encodeURIComponent(String(pathname || "/") + String(search || ""));
      },
      toggleTarget: function (target) { return { display: target === "new" ? "none" : "flex" }; }
      // startUpload, publishUpload and cancelUpload live in upload.js (loaded after this file)
    }
  });

  var renderers = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});
  renderers.DatasetLink = function (props) {
    var id = encodeURIComponent(String(props.data.id));
    return React.createElement("a", { href: "/datasets/" + id }, String(props.value));
  };
})();
