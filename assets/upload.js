/* Upload page: send the file with upload progress, show the server's import phases, then publish or cancel
   the staged upload. Loaded as a file after city.js (CSP: no inline script); every request carries the
   CSRF token the server set in the `_csrf_token` cookie. */
(function () {
  "use strict";

  var PHASES = {
    reading: ["正在读取文件……", "Reading the file…"],
    inferring: ["正在识别每列的类型……", "Inferring column types…"],
    converting: ["正在转换数据……", "Converting the data…"],
    profiling: ["正在生成质量概况……", "Profiling the data…"],
    publishing: ["正在发布……", "Publishing…"],
    done: ["即将完成……", "Finishing…"]
  };

  function lang() {
    var el = document.querySelector("[lang]");
    return el && el.getAttribute("lang") === "en" ? "en" : "zh";
  }
  function say(zh, en) { return lang() === "en" ? en : zh; }
  function cookie(name) {
    var match = document.cookie.split("; ").find(function (c) { return c.indexOf(name + "=") === 0; });
    return match ? decodeURIComponent(match.slice(name.length + 1)) : "";
  }
  function dataUrlToBlob(dataUrl) {
    var comma = dataUrl.indexOf(",");
    var binary = atob(dataUrl.slice(comma + 1));
    var chunk = 1 << 20, parts = [];
    for (var start = 0; start < binary.length; start += chunk) {
      var slice = binary.slice(start, start + chunk), bytes = new Uint8Array(slice.length);
      for (var i = 0; i < slice.length; i++) { bytes[i] = slice.charCodeAt(i); }
      parts.push(bytes);
    }
    return new Blob(parts);
  }
  function setProps(id, props) { window.dash_clientside.set_props(id, props); }
  function progressKey() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  /* The chosen file itself when the input still holds it (no base64 copy), else the dropped file's contents. */
  function chosenFile(contents, filename) {
    var input = document.querySelector("#upload-file input[type=file]");
    var file = input && input.files && input.files[0];
    return file && file.name === filename ? file : dataUrlToBlob(contents);
  }

  /* Poll the server-side phase of the import sent with `key` until stop() is called. */
  function watchPhases(key) {
    var stopped = false, timer = null;
    function poll() {
      if (stopped) { return; }
      var xhr = new XMLHttpRequest();
      xhr.open("GET", "/api/v1/uploads/progress/" + key);
      xhr.onload = function () {
        if (stopped) { return; }
        if (xhr.status === 200) {
          var found = JSON.parse(xhr.responseText), words = PHASES[found.phase];
          if (words) {
            var text = say(words[0], words[1]);
            setProps("upload-progress", { value: 100, label: text });
            setProps("upload-status", { children: text });
          }
        }
        timer = window.setTimeout(poll, 400);
      };
      xhr.onerror = function () { if (!stopped) { timer = window.setTimeout(poll, 1000); } };
      xhr.send();
    }
    timer = window.setTimeout(poll, 200);
    return function stop() { stopped = true; if (timer) { window.clearTimeout(timer); } };
  }

  function send(method, url, body, contentType, key) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.setRequestHeader("X-CSRFToken", cookie("_csrf_token"));
    if (contentType) { xhr.setRequestHeader("Content-Type", contentType); }
    var stop = null;
    function watch() { if (!stop) { stop = watchPhases(key); } }
    function unwatch() { if (stop) { stop(); } }
    setProps("upload-progress", { value: 0, label: "0%", style: { display: "flex" } });
    xhr.upload.onprogress = function (event) {
      if (event.lengthComputable) {
        var pct = Math.round((event.loaded / event.total) * 100);
        setProps("upload-progress", { value: pct, label: pct + "%" });
      }
    };
    xhr.upload.onload = function () {
      setProps("upload-progress", { value: 100, label: say("正在处理…", "Processing…") });
      setProps("upload-status", { children: say("文件已送达，服务器正在处理……", "Sent; the server is working on it…") });
    };
    watch();  // phases are empty while the file is still travelling; the server reports them once it has it
    xhr.onload = function () {
      unwatch();
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = { error: { message: say("服务器返回了无法识别的结果。", "The server's answer could not be read."), issues: [] } }; }
      setProps("upload-progress", { style: { display: "none" } });
      setProps("upload-status", { children: "" });
      setProps("upload-result", { data: { status: xhr.status, body: answer } });
    };
    xhr.onerror = function () {
      unwatch();
      setProps("upload-progress", { style: { display: "none" } });
      setProps("upload-status", { children: say("网络错误，请求未完成。", "Network error: the request did not finish.") });
    };
    xhr.send(body);
  }

  var upload = {
    startUpload: function (clicks, contents, filename, name, nameEn, department, target, dataset) {
      if (!contents || !filename) { return say("请先选择文件。", "Choose a file first."); }
      if (target === "new" && !(name || "").trim()) { return say("请先填写数据集名称。", "Enter a dataset name first."); }
      if (target !== "new" && !dataset) { return say("请选择目标数据集。", "Choose the target dataset."); }
      var form = new FormData();
      form.append("file", chosenFile(contents, filename), filename);
      form.append("name", name || "");
      form.append("name_en", nameEn || "");
      form.append("department", department || "");
      if (target !== "new") { form.append("dataset", dataset); form.append("mode", target); }
      var key = progressKey();
      setProps("upload-result", { data: null });
      send("POST", "/api/v1/datasets?preview=1&lang=" + lang() + "&progress=" + key, form, null, key);
      return say("正在上传……", "Uploading…");
    },
    publishUpload: function (clicks, values, ids, result) {
      var body = result && result.body, shown = body && body.preview;
      if (!clicks || !shown || !body.upload_id) { return window.dash_clientside.no_update; }
      var inferred = {}, types = {};
      shown.columns.forEach(function (c) { inferred[c.name] = c.type; });
      (ids || []).forEach(function (id, i) {
        if (values[i] && values[i] !== inferred[id.column]) { types[id.column] = values[i]; }
      });
      var key = progressKey();
      setProps("upload-confirm", { disabled: true });
      setProps("upload-cancel", { disabled: true });
      send("POST", "/api/v1/uploads/" + encodeURIComponent(body.upload_id) + "/publish?lang=" + lang() + "&progress=" + key,
        JSON.stringify({ types: types }), "application/json", key);
      return say("正在发布……", "Publishing…");
    },
    cancelUpload: function (clicks, result) {
      var body = result && result.body;
      if (!clicks || !body || !body.upload_id) { return window.dash_clientside.no_update; }
      var xhr = new XMLHttpRequest();
      xhr.open("DELETE", "/api/v1/uploads/" + encodeURIComponent(body.upload_id));
      xhr.setRequestHeader("X-CSRFToken", cookie("_csrf_token"));
      xhr.onload = function () {
        if (xhr.status === 204 || xhr.status === 404) {
          setProps("upload-result", { data: { cancelled: true } });
          setProps("upload-status", { children: "" });
        } else {
          setProps("upload-status", { children: say("取消未成功，请重试。", "Cancelling failed; try again.") });
        }
      };
      xhr.send();
      return say("正在取消……", "Cancelling…");
    }
  };

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.city = Object.assign(window.dash_clientside.city || {}, upload);
})();
