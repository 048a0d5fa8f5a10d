/* City Indicator Center: clientside callbacks and grid renderers. Loaded as a file (CSP: no inline script). */
(function () {
  "use strict";

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

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    city: {
      showFileName: function (filename) { return filename || ""; },
      languageHref: function (pathname, search, href) {
        var base = String(href || "/lang/zh").split("?")[0];
        return base + "?next=" + encodeURIComponent(String(pathname || "/") + String(search || ""));
      },
      toggleTarget: function (target) { return { display: target === "new" ? "none" : "flex" }; },
      startUpload: function (clicks, contents, filename, name, nameEn, department, target, dataset) {
        if (!contents || !filename) { return say("请先选择文件。", "Choose a file first."); }
        if (target === "new" && !(name || "").trim()) { return say("请先填写数据集名称。", "Enter a dataset name first."); }
        if (target !== "new" && !dataset) { return say("请选择目标数据集。", "Choose the target dataset."); }
        var form = new FormData();
        form.append("file", dataUrlToBlob(contents), filename);
        form.append("name", name || "");
        form.append("name_en", nameEn || "");
        form.append("department", department || "");
        if (target !== "new") { form.append("dataset", dataset); form.append("mode", target); }
        var xhr = new XMLHttpRequest();
        xhr.open("POST", "/api/v1/datasets?lang=" + lang());
        xhr.setRequestHeader("X-CSRFToken", cookie("_csrf_token"));
        setProps("upload-result", { data: null });
        setProps("upload-progress", { value: 0, label: "0%", style: { display: "flex" } });
        xhr.upload.onprogress = function (event) {
          if (event.lengthComputable) {
            var pct = Math.round((event.loaded / event.total) * 100);
            setProps("upload-progress", { value: pct, label: pct + "%" });
          }
        };
        xhr.upload.onload = function () {
          setProps("upload-progress", { value: 100, label: say("正在导入…", "Importing…") });
          setProps("upload-status", { children: say("文件已上传，正在识别类型并生成质量概况……", "Uploaded; inferring types and profiling…") });
        };
        xhr.onload = function () {
          var body = null;
          try { body = JSON.parse(xhr.responseText); } catch (e) { body = { error: { message: say("服务器返回了无法识别的结果。", "The server's answer could not be read."), issues: [] } }; }
          setProps("upload-progress", { style: { display: "none" } });
          setProps("upload-status", { children: "" });
          setProps("upload-result", { data: { status: xhr.status, body: body } });
        };
        xhr.onerror = function () {
          setProps("upload-progress", { style: { display: "none" } });
          setProps("upload-status", { children: say("网络错误，上传未完成。", "Network error: the upload did not finish.") });
        };
        xhr.send(form);
        return say("正在上传……", "Uploading…");
      }
    }
  });

  var renderers = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});
  renderers.DatasetLink = function (props) {
    var id = encodeURIComponent(String(props.data.id));
    return React.createElement("a", { href: "/datasets/" + id }, String(props.value));
  };
})();
