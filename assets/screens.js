/* Phone and big screen: clientside callbacks of the navbar (callbacks/shell.py) and of boards
 * (callbacks/boards.py). Loaded as a file (CSP: no inline script). Nothing here decides who may see what:
 * a refresh only asks the server again, with the viewer's own session. */
(function () {
  "use strict";

  var pageIndex = 0;

  function dc() { return window.dash_clientside; }
  function triggered() {
    return ((dc().callback_context || {}).triggered || []).map(function (t) {
      return t.prop_id.slice(0, t.prop_id.lastIndexOf("."));
    });
  }
  function query(start, end, grain, district) {
    var params = new URLSearchParams();
    if (start) { params.set("from", String(start).slice(0, 10)); }
    if (end) { params.set("to", String(end).slice(0, 10)); }
    if (grain) { params.set("grain", grain); }
    if (district) { params.set("district", district); }
    params.set("present", "1");
    return "?" + params.toString();
  }
  // Pages of tiles for a screen of `height` pixels: a page starts at the top of the first tile that did not fit
  // on the page before (a tile taller than the screen gets a page of its own).
  function pageStarts(tiles, height) {
    var starts = [0];
    for (var guard = 0; guard < 100; guard++) {
      var start = starts[starts.length - 1];
      var next = null;
      tiles.forEach(function (t) {
        if (t.top >= start && t.bottom > start + height && (next === null || t.top < next)) { next = t.top; }
      });
      if (next === null) { break; }
      starts.push(next > start ? next : start + height);
    }
    return starts;
  }

  function paginate(rotated) {
    var wrap = document.querySelector(".board-present .board-grid-wrap");
    var grid = wrap && wrap.querySelector(".react-grid-layout");
    if (!grid) { return; }
    var origin = grid.getBoundingClientRect().top;
    var items = Array.prototype.slice.call(grid.querySelectorAll(".react-grid-item:not(.react-grid-placeholder)"));
    var tiles = items.map(function (el) {
      var box = el.getBoundingClientRect(); // the grid places tiles with transforms, so offsetTop is 0
      return { el: el, top: Math.round(box.top - origin), bottom: Math.round(box.bottom - origin) };
    });
    var height = wrap.clientHeight;
    var starts = pageStarts(tiles, height);
    pageIndex = rotated ? (pageIndex + 1) % starts.length : Math.min(pageIndex, starts.length - 1);
    var start = starts[pageIndex];
    tiles.forEach(function (t) {
      var whole = t.top >= start && (t.bottom <= start + height || t.top === start);
      t.el.classList.toggle("present-off-page", !whole);
    });
    wrap.scrollTop = start;
    dc().set_props("board-page-no", { children: starts.length > 1 ? (pageIndex + 1) + " / " + starts.length : "" });
  }

  var functions = {
    navToggle: function (clicks, isOpen) { return !isOpen; },
    boardFilterDrawer: function (open, close, className) {
      var base = String(className || "").split(" ").filter(function (c) { return c && c !== "show"; }).join(" ");
      var opened = triggered().indexOf("board-filters-open") >= 0;
      return opened ? base + " show" : base;
    },
    boardPresentHref: function (start, end, grain, district, boardId) {
      return "/boards/" + encodeURIComponent(boardId || "") + query(start, end, grain, district);
    },
    boardRefresh: function (ticks, clicks) { return (clicks || 0) + 1; },
    // Show the next page of tiles (after the grid has drawn them); tiles not wholly on the page are hidden, so
    // no tile is shown cut in half.
    boardRotate: function () {
      var rotated = triggered().indexOf("board-rotate") >= 0;
      window.setTimeout(function () { paginate(rotated); }, rotated ? 0 : 400);
      return dc().no_update;
    },
    boardFullscreen: function () {
      var root = document.documentElement;
      if (document.fullscreenElement) { document.exitFullscreen(); } else if (root.requestFullscreen) { root.requestFullscreen(); }
      return dc().no_update;
    }
  };

  // assets/city.js replaces the "city" namespace when it loads: add ours now and again once every asset has run.
  function install() {
    var ns = (window.dash_clientside = window.dash_clientside || {});
    ns.city = Object.assign(ns.city || {}, functions);
  }
  install();
  document.addEventListener("DOMContentLoaded", install);
})();
