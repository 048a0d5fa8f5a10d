/* Indicator authoring: once a new definition is saved, the address bar shows /authoring/<id> (callbacks/authoring.py).
 * Replacing the history entry keeps the page as it is (the editor, the "saved" message); Dash does not redraw it. */
(function () {
  "use strict";

  var functions = {
    authoringAddress: function (doc) {
      var id = doc && typeof doc.id === "string" ? doc.id : "";
      var wanted = "/authoring/" + encodeURIComponent(id);
      if (id && window.location.pathname !== wanted) {
        window.history.replaceState(window.history.state, "", wanted);
        var lang = document.getElementById("nav-lang"); // the language switch returns here too
        if (lang) { lang.href = lang.href.replace(/next=[^&]*/, "next=" + encodeURIComponent(wanted)); }
      }
      return id ? wanted : null;
    }
  };

  // assets/city.js replaces the "city" namespace when it loads (after this file): add ours now and again later.
  function install() {
    var ns = (window.dash_clientside = window.dash_clientside || {});
    ns.city = Object.assign(ns.city || {}, functions);
  }
  install();
  document.addEventListener("DOMContentLoaded", install);
})();
