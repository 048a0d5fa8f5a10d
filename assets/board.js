/* Boards: clientside callbacks (callbacks/boards.py). Loaded as a file (CSP: no inline script).
 *
 * Edits go to the server one at a time: a command is sent, and the next leaves only when the answer (the
 * board-pending store) has come back, so every save carries the version the previous save produced. The
 * server checks everything again; nothing here decides who may do what. */
(function () {
  "use strict";

  var PREFIX = "tile-"; // layouts/ids.py TILE_PREFIX
  var LOST_MS = 20000; // an answer that never came must not block editing for good
  var POLL_MS = 250;
  var queues = {};

  function dc() { return window.dash_clientside; }
  function triggered() {
    return ((dc().callback_context || {}).triggered || []).map(function (t) {
      var dot = t.prop_id.lastIndexOf(".");
      var id = t.prop_id.slice(0, dot);
      if (id.charAt(0) === "{") { try { id = JSON.parse(id); } catch (e) { id = null; } }
      return { id: id, prop: t.prop_id.slice(dot + 1), value: t.value };
    });
  }
  function isType(id, type) { return id && typeof id === "object" && id.type === type; }
  function first(list) { return list && list.length ? list[0] : null; }
  function places(layout) {
    return (layout || []).filter(function (p) { return p && String(p.i).indexOf(PREFIX) === 0; }).map(function (p) {
      return { i: String(p.i).slice(PREFIX.length), x: p.x, y: p.y, w: p.w, h: p.h };
    });
  }
  function moved(grid, saved) {
    var known = {};
    (saved || []).forEach(function (p) { known[p.i] = p; });
    return grid.some(function (p) {
      var s = known[p.i];
      return s && (s.x !== p.x || s.y !== p.y || s.w !== p.w || s.h !== p.h);
    });
  }
  // The answer to a command does not re-run boardCommand (Dash drops a callback that its own chain would
  // trigger again), so while edits wait in the queue a timer pokes board-tick to send the next one.
  function later(q) {
    if (!q.items.length || q.timer) { return; }
    q.timer = window.setTimeout(function () {
      q.timer = null;
      dc().set_props("board-tick", { data: Date.now() });
    }, POLL_MS);
  }
  function query(start, end, grain, district, cross) {
    var params = new URLSearchParams();
    if (start) { params.set("from", String(start).slice(0, 10)); }
    if (end) { params.set("to", String(end).slice(0, 10)); }
    if (grain) { params.set("grain", grain); }
    var chosen = cross && cross.dimension === "district" ? cross.value : district;
    if (chosen) { params.set("district", chosen); }
    if (cross && cross.dimension && cross.dimension !== "district") { params.set(cross.dimension, cross.value); }
    var text = params.toString();
    return text ? "?" + text : "";
  }
  function exportHref(kind) {
    return function (start, end, grain, district, cross, boardId) {
      return "/api/v1/boards/" + encodeURIComponent(boardId || "") + "/export." + kind + query(start, end, grain, district, cross);
    };
  }

  var functions = {
    boardCommand: function (layout, add, remove, undo, share, tick, pending, edit, palette, type, title, text, visibility, users, departments) {
      if (!pending || !pending.board || !pending.spec) { return dc().no_update; }
      var q = queues[pending.board] || (queues[pending.board] = { items: [], inflight: null, sentAt: 0, seq: 0, timer: null });
      var editing = first(edit) === true;
      if (q.inflight !== null && (pending.ack === q.inflight || Date.now() - q.sentAt > LOST_MS)) { q.inflight = null; }
      triggered().forEach(function (t) {
        if (t.id === "board-tick" || t.id === "board-pending") {
          return;
        } else if (t.id === "board-grid") {
          if (editing) {
            q.items = q.items.filter(function (c) { return c.op !== "layout"; });
            q.items.push({ op: "layout", layout: places(layout) });
          }
        } else if (!t.value) {
          return; // a button that was just rendered, not clicked
        } else if (isType(t.id, "board-add")) {
          q.items.push({ op: "add", indicator: first(palette), type: first(type), title: first(title) || "", text: first(text) || "" });
        } else if (isType(t.id, "board-remove")) {
          q.items.push({ op: "remove", tile: t.id.tile });
        } else if (isType(t.id, "board-undo")) {
          q.items.push({ op: "undo" });
        } else if (isType(t.id, "board-share-save")) {
          q.items.push({ op: "share", visibility: first(visibility), users: first(users) || "", departments: first(departments) || [] });
        }
      });
      while (q.inflight === null && q.items.length) {
        var next = q.items.shift();
        if (next.op === "layout" && !moved(next.layout, pending.spec.layout)) { continue; }
        q.seq += 1;
        next.seq = q.seq;
        q.inflight = q.seq;
        q.sentAt = Date.now();
        later(q);
        return next;
      }
      later(q);
      return dc().no_update;
    },
    boardEditMode: function (values) {
      return "board-page" + (first(values) === true ? " board-editing" : "");
    },
    boardBusy: function () {
      var done = triggered().some(function (t) { return t.id === "board-grid"; });
      return "board-grid-wrap" + (done ? "" : " is-loading");
    },
    boardCross: function (clicks, clear, current) {
      var chosen = dc().no_update;
      triggered().forEach(function (t) {
        if (t.id === "board-cross-clear") { chosen = null; return; }
        var point = t.value && t.value.points && t.value.points[0];
        var data = point && point.customdata;
        if (!isType(t.id, "board-graph") || !data || !data[0] || data[1] === null || data[1] === undefined) { return; }
        var pick = { tile: t.id.tile, dimension: String(data[0]), value: String(data[1]) };
        if (data[2] !== null && data[2] !== undefined) { pick.label = String(data[2]); }  // the member as the reader reads it
        var same = current && current.tile === pick.tile && current.dimension === pick.dimension && current.value === pick.value;
        chosen = same ? null : pick;
      });
      return chosen;
    },
    boardCrossText: function (cross) {
      return cross && cross.value ? (cross.label || cross.value) : "";
    },
    boardPdfHref: exportHref("pdf"),
    boardPngHref: exportHref("png"),
    boardShareLink: function (start, end, grain, district, cross, boardId) {
      return window.location.origin + "/boards/" + encodeURIComponent(boardId || "") + query(start, end, grain, district, cross);
    },
    boardShareDialog: function (open, close, isOpen) {
      var opened = isOpen;
      triggered().forEach(function (t) {
        if (t.id === "board-share-open") { opened = true; }
        if (t.id === "board-share-close") { opened = false; }
      });
      return opened;
    }
  };

  // assets/city.js replaces the "city" namespace when it loads (after this file, alphabetically): add ours now
  // and again once every asset has run.
  function install() {
    var ns = (window.dash_clientside = window.dash_clientside || {});
    ns.city = Object.assign(ns.city || {}, functions);
  }
  install();
  document.addEventListener("DOMContentLoaded", install);
})();
