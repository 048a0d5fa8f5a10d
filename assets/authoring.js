/* Indicator authoring (layouts/authoring.py). Loaded as a file (CSP: no inline script).
 *
 * Keyboard and navigation helpers only; no callback and nothing the server relies on:
 * an issue (a button carrying data-line/data-col) puts the cursor at its place in the YAML editor,
 * the caret's line and column show above the editor, and Ctrl+S (Cmd+S) presses "save draft".
 * The editor sends its text after a pause in typing; pressing a save or submit button first hands over what
 * is typed so far, so a quick save never stores an older text than the one on screen. */
(function () {
  "use strict";

  var EDITOR = "auth-yaml", CARET = "auth-caret", SAVE = "auth-save", ACTIONS = ["auth-save", "auth-submit"];

  function english() {
    var el = document.querySelector("[lang]");
    return el && el.getAttribute("lang") === "en";
  }
  function offsetOf(text, line, col) {
    var lines = text.split("\n"), at = 0;
    line = Math.max(1, Math.min(line, lines.length));
    for (var i = 0; i < line - 1; i++) { at += lines[i].length + 1; }
    return at + Math.max(0, Math.min(col - 1, lines[line - 1].length));
  }
  function showCaret(editor) {
    var caret = document.getElementById(CARET);
    if (!caret) { return; }
    var before = editor.value.slice(0, editor.selectionStart).split("\n");
    var line = before.length, col = before[before.length - 1].length + 1;
    caret.textContent = english() ? "Ln " + line + ", Col " + col : "第 " + line + " 行，第 " + col + " 列";
  }
  function goTo(line, col) {
    var editor = document.getElementById(EDITOR);
    if (!editor) { return; }
    var at = offsetOf(editor.value, line, col);
    editor.focus();
    editor.setSelectionRange(at, at);
    var height = parseFloat(window.getComputedStyle(editor).lineHeight) || 18;
    editor.scrollTop = Math.max(0, (line - 3) * height);
    showCaret(editor);
  }

  var DEBOUNCE_MS = 700; // layouts/authoring.py DEBOUNCE_MS
  var typedAt = 0;
  function flush() {
    var editor = document.getElementById(EDITOR), dc = window.dash_clientside;
    if (editor && dc && dc.set_props && Date.now() - typedAt < DEBOUNCE_MS + 100) {
      typedAt = 0;
      dc.set_props(EDITOR, { value: editor.value });
    }
  }
  document.addEventListener("input", function (event) {
    if (event.target && event.target.id === EDITOR) { typedAt = Date.now(); }
  }, true);
  function isAction(target) {
    var button = target && target.closest && target.closest("button");
    return button && ACTIONS.indexOf(button.id) >= 0;
  }

  document.addEventListener("pointerdown", function (event) { if (isAction(event.target)) { flush(); } }, true);
  document.addEventListener("keydown", function (event) {
    if ((event.key === "Enter" || event.key === " ") && isAction(event.target)) { flush(); }
  }, true);
  document.addEventListener("click", function (event) {
    var issue = event.target.closest && event.target.closest(".auth-issue[data-line]");
    if (issue) { goTo(parseInt(issue.getAttribute("data-line"), 10) || 1, parseInt(issue.getAttribute("data-col"), 10) || 1); }
  });
  ["keyup", "click", "select", "focus"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (event.target && event.target.id === EDITOR) { showCaret(event.target); }
    }, true);
  });
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.key === "s" || event.key === "S")) {
      var save = document.getElementById(SAVE);
      if (save && !save.disabled) {
        event.preventDefault();
        flush();
        save.click();
      }
    }
  });
})();
