/* gongkai: small vanilla script for the filing form (live totals and findings) and the review
   page (source beside the tables). No framework, no network beyond this server. */
(function () {
  "use strict";
  var SEV = { error: "错误", warning: "警告", info: "提示" };

  function csrfOf(form) {
    var el = form.querySelector("input[name=csrf]");
    return el ? el.value : "";
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* --- filing form ------------------------------------------------------------------------ */
  function setupFiling(form) {
    var url = form.getAttribute("data-check");
    var list = document.getElementById("findings");
    var state = document.getElementById("check-state");
    var timer = null, seq = 0;

    function markCells(findings, invalid) {
      form.querySelectorAll("td[data-address]").forEach(function (td) {
        td.classList.remove("has-error", "has-warning", "invalid");
        td.removeAttribute("data-problem");
        if (!td.hasAttribute("data-title")) td.setAttribute("data-title", td.title || "");
        td.title = td.getAttribute("data-title");
        var input = td.querySelector("input");
        if (input) td.classList.toggle("missing", input.value.trim() === "");
      });
      findings.forEach(function (f) {
        f.cells.forEach(function (a) {
          var td = form.querySelector('td[data-address="' + a + '"]');
          if (!td) return;
          td.classList.add(f.severity === "error" ? "has-error" : "has-warning");
          td.setAttribute("data-problem", f.message);
          td.title = td.getAttribute("data-title") + "\n" + SEV[f.severity] + "：" + f.message;
        });
      });
      Object.keys(invalid).forEach(function (a) {
        var td = form.querySelector('td[data-address="' + a + '"]');
        if (td) {
          td.classList.add("invalid");
          td.setAttribute("data-problem", invalid[a]);
          td.title = td.getAttribute("data-title") + "\n错误：" + invalid[a];
        }
      });
    }

    function render(data) {
      var typed = {};
      list.querySelectorAll("textarea").forEach(function (t) { typed[t.name] = t.value; });
      list.textContent = "";
      Object.keys(data.totals).forEach(function (a) {
        var input = form.querySelector('input[name="cell:' + a + '"]');
        if (input) input.value = data.totals[a];
      });
      Object.keys(data.invalid).forEach(function (a) {
        var li = el("li", "error");
        li.appendChild(el("b", "", "错误 "));
        li.appendChild(document.createTextNode(a + "：" + data.invalid[a]));
        list.appendChild(li);
      });
      data.findings.forEach(function (f) {
        var li = el("li", f.severity);
        li.setAttribute("data-cells", f.cells.join(" "));
        li.appendChild(el("b", "", SEV[f.severity] + " "));
        li.appendChild(document.createTextNode(f.message));
        if (f.severity === "warning") {
          var label = el("label", "reason", "说明原因 ");
          var t = document.createElement("textarea");
          t.name = "reason:" + f.fingerprint;
          t.rows = 2;
          t.setAttribute("form", "filing");
          t.value = typed[t.name] || "";
          label.appendChild(t);
          li.appendChild(label);
        }
        list.appendChild(li);
      });
      if (!data.findings.length && !Object.keys(data.invalid).length) list.appendChild(el("li", "ok", "未发现问题。"));
      markCells(data.findings, data.invalid);
      var errors = data.findings.filter(function (f) { return f.severity === "error"; }).length + Object.keys(data.invalid).length;
      state.textContent = errors ? "（" + errors + " 个错误）" : "（无错误）";
    }

    function check() {
      var mine = ++seq;
      state.textContent = "（检查中…）";
      var body = new FormData(form);
      fetch(url, { method: "POST", body: body, headers: { "X-CSRF-Token": csrfOf(form) }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (data) { if (mine === seq) render(data); })
        .catch(function () { if (mine === seq) state.textContent = "（检查失败，请保存后刷新）"; });
    }

    form.addEventListener("input", function (e) {
      if (e.target && e.target.name && e.target.name.indexOf("reason:") === 0) return;
      clearTimeout(timer);
      timer = setTimeout(check, 300);
    });
    list.addEventListener("mouseover", function (e) {
      var li = e.target.closest("li[data-cells]");
      form.querySelectorAll("td.focus").forEach(function (td) { td.classList.remove("focus"); });
      if (!li) return;
      li.getAttribute("data-cells").split(" ").forEach(function (a) {
        var td = form.querySelector('td[data-address="' + a + '"]');
        if (td) td.classList.add("focus");
      });
    });
    if (!form.querySelector("fieldset[disabled]")) check();
  }

  /* --- review page ----------------------------------------------------------------------- */
  function setupReview(root) {
    var data = JSON.parse(document.getElementById("cell-data").textContent);
    var info = document.getElementById("cell-info");
    var address = document.getElementById("correct-address");
    var box = document.getElementById("pdf-box");
    var img = document.getElementById("pdf-page");

    function show(a) {
      var c = data.cells[a];
      root.querySelectorAll("td.selected").forEach(function (td) { td.classList.remove("selected"); });
      root.querySelectorAll('td[data-address="' + a + '"]').forEach(function (td) { td.classList.add("selected"); });
      if (address) address.value = a;
      if (!c) return;
      info.textContent = c.label + "：" + (c.value === "" ? "（空）" : c.value) + "，" + c.status_name +
        (c.raw ? "，原文「" + c.raw + "」" : "") + (c.corrected ? "，已更正（原为 " + (c.parsed || "空") + "，理由：" + c.why + "）" : "");
      document.querySelectorAll(".source-lines li.marked").forEach(function (li) { li.classList.remove("marked"); });
      if (c.at && c.at.page && img) {
        var page = data.pages[c.at.page - 1];
        if (!page) return;
        if (img.getAttribute("data-page") !== String(c.at.page)) {
          img.src = data.page_url + c.at.page + ".png";
          img.setAttribute("data-page", String(c.at.page));
        }
        var b = c.at.bbox;
        box.hidden = false;
        box.style.left = (100 * b[0] / page[0]) + "%";
        box.style.top = (100 * b[1] / page[1]) + "%";
        box.style.width = (100 * (b[2] - b[0]) / page[0]) + "%";
        box.style.height = (100 * (b[3] - b[1]) / page[1]) + "%";
        box.scrollIntoView({ block: "nearest" });
      } else if (c.at && c.at.line !== undefined) {
        var li = document.querySelector('.source-lines li[data-line="' + c.at.line + '"]');
        if (li) { li.classList.add("marked"); li.scrollIntoView({ block: "center" }); }
      } else if (c.at && c.at.table !== undefined) {
        var tli = document.querySelector('.source-lines li[data-at="' + c.at.table + "-" + c.at.row + '"]');
        if (tli) { tli.classList.add("marked"); tli.scrollIntoView({ block: "center" }); }
      }
    }
    root.addEventListener("click", function (e) {
      var td = e.target.closest("td[data-address]");
      if (td) show(td.getAttribute("data-address"));
    });
    root.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        var td = e.target.closest("td[data-address]");
        if (td) show(td.getAttribute("data-address"));
      }
    });
    document.querySelectorAll("[data-show-cells]").forEach(function (a) {
      a.addEventListener("click", function (e) {
        e.preventDefault();
        var cells = a.getAttribute("data-show-cells").split(" ");
        if (cells[0]) show(cells[0]);
        cells.forEach(function (x) {
          root.querySelectorAll('td[data-address="' + x + '"]').forEach(function (td) { td.classList.add("selected"); });
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("filing");
    if (form) setupFiling(form);
    var review = document.getElementById("review-tables");
    if (review) setupReview(review);
  });
})();
