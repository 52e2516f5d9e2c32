// The tpc-mock console: plain JavaScript calling /__mock on the same origin.
(function () {
  "use strict";
  var base = document.body.dataset.base;
  var $ = function (id) { return document.getElementById(id); };
  var state = { signature: "", open: null, table: null, page: 1, fixtures: null };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  function toast(text) {
    $("toast").textContent = text;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { $("toast").textContent = ""; }, 4000);
  }

  // Every call to the control API: JSON in, the {ok, data} envelope out.
  function call(method, path, body) {
    var options = { method: method, headers: {} };
    if (body !== undefined) {
      options.headers["content-type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch("/__mock" + path, options).then(function (response) {
      return response.json().then(function (payload) {
        if (!payload.ok) {
          var issues = ((payload.details || {}).issues || []).map(function (i) {
            return i.path + ": " + i.message;
          }).join("; ");
          throw new Error(payload.message + (issues ? " (" + issues + ")" : ""));
        }
        return payload.data;
      });
    });
  }

  function fail(error) { toast("Failed: " + error.message); }

  function copy(text, what) {
    var done = function () { toast("Copied " + what + " to the clipboard."); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else { fallbackCopy(text); done(); }
  }

  function fallbackCopy(text) {
    var area = el("textarea", {});
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }

  function copyable(label, value) {
    var input = el("input", { type: "text", readonly: "", "aria-label": label });
    input.value = value;
    var button = el("button", { type: "button", "class": "plain", text: "Copy",
                               "aria-label": "Copy " + label });
    button.addEventListener("click", function () { copy(value, label); });
    return el("div", { "class": "copyable" }, [input, button]);
  }

  // -- tabs ---------------------------------------------------------------------------
  function showTab(name) {
    document.querySelectorAll("[role=tab]").forEach(function (tab) {
      var on = tab.getAttribute("aria-controls") === name;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      $(tab.getAttribute("aria-controls")).hidden = !on;
    });
    if (name === "data" && !state.table) { loadTables(); }
    if (name === "credentials" && !state.fixtures) { loadFixtures(); }
    if (name === "state") { loadFaults(); loadSnapshots(); }
    if (location.hash !== "#" + name) { history.replaceState(null, "", "#" + name); }
  }
  document.querySelectorAll("[role=tab]").forEach(function (tab) {
    tab.addEventListener("click", function () { showTab(tab.getAttribute("aria-controls")); });
  });

  // -- requests -----------------------------------------------------------------------
  function clockText(iso) { return iso ? iso.slice(11, 19) : ""; }

  function shiftIso(iso, seconds) {
    return new Date(Date.parse(iso) - seconds * 1000).toISOString();
  }

  function requestRow(entry) {
    var statusClass = "status s" + String(entry.status)[0];
    var when = clockText(entry.at);
    var title = "emulator clock " + entry.at;
    if (entry.clockOffset) {
      var wall = shiftIso(entry.at, entry.clockOffset);
      when = entry.at.slice(0, 10) + " " + when + " (wall " + clockText(wall) + ")";
      title += ", wall clock " + wall;
    }
    var caller = entry.callerKind + (entry.callerId ? " " + entry.callerId : "");
    var extra = "id " + entry.requestId + " · " + caller;
    if (entry.decidedBy) { extra += " · decided by " + entry.decidedBy; }
    var row = el("button", { type: "button", "class": "row", "aria-expanded": "false",
                             "data-handle": entry.handle }, [
      el("span", { "class": "time mono", title: title, text: when }),
      el("span", { "class": "method mono", text: entry.method }),
      el("span", { "class": "path", text: entry.path }),
      el("span", { "class": statusClass, text: String(entry.status) }),
      el("span", { "class": "dur muted", text: entry.durationMs + " ms" }),
      el("span", { "class": "extra", text: extra }),
      entry.explanation ? el("span", { "class": entry.status >= 400 ? "why" : "why note",
                                       text: entry.explanation }) : null
    ]);
    row.addEventListener("click", function () { toggleDetail(row, entry.handle); });
    return el("li", {}, [row]);
  }

  function toggleDetail(row, handle) {
    var item = row.parentNode;
    var shown = item.querySelector(".detail");
    if (shown) { shown.remove(); row.setAttribute("aria-expanded", "false"); state.open = null; return; }
    state.open = handle;
    row.setAttribute("aria-expanded", "true");
    var detail = el("div", { "class": "detail", text: "Loading…" });
    item.appendChild(detail);
    call("GET", "/console/requests/" + handle).then(function (data) {
      detail.textContent = "";
      var answer = data.answer;
      if (!answer) {
        detail.appendChild(el("p", { "class": "muted", text: "The answer was not kept: the " +
          "journal keeps answers of refusals, and of every request while a console is open " +
          "(bodies under /api/v1 only)." }));
        return;
      }
      var headers = answer.headers.map(function (h) { return h[0] + ": " + h[1]; }).join("\n");
      var body = answer.body;
      try { body = JSON.stringify(JSON.parse(body), null, 2); } catch (e) { /* not JSON */ }
      detail.appendChild(el("strong", { text: "Answer headers" }));
      detail.appendChild(el("pre", { text: headers }));
      detail.appendChild(el("strong", { text: "Answer body" + (answer.truncated ? " (first 64 KiB)" : "") }));
      detail.appendChild(el("pre", { "class": "answer-body", text: body === null ?
        "(not kept: bodies are kept under /api/v1 only; /api/auth answers carry credentials)" : body }));
    }, function (error) { detail.textContent = error.message; });
  }

  function feedQuery() {
    var form = new FormData($("request-filters"));
    var params = new URLSearchParams();
    ["method", "path", "status", "caller"].forEach(function (name) {
      var value = (form.get(name) || "").trim();
      if (value) { params.set(name, value); }
    });
    return params.toString();
  }

  function renderClock(now, offset) {
    $("clock-now").textContent = now;
    $("clock-real").textContent = shiftIso(now, offset);
    $("clock-offset").textContent = offset ? describeOffset(offset) : "none (real time)";
  }

  function describeOffset(seconds) {
    var sign = seconds < 0 ? "-" : "+";
    var s = Math.abs(Math.round(seconds));
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    return sign + (d ? d + " d " : "") + h + " h " + m + " min";
  }

  function poll() {
    if (document.hidden) { return; }
    var asked = state.feedAsked = (state.feedAsked || 0) + 1;
    call("GET", "/console/feed?" + feedQuery()).then(function (data) {
      if (asked < (state.feedShown || 0)) { return; }  // a newer answer is already shown
      state.feedShown = asked;
      renderClock(data.now, data.offset);
      if ($("pause").checked) { return; }
      $("journal-count").textContent = "(" + data.total + " in the journal)";
      var signature = feedQuery() + "|" + data.entries.map(function (e) { return e.handle; }).join(",");
      if (signature === state.signature) { return; }
      state.signature = signature;
      var list = $("request-rows");
      list.textContent = "";
      data.entries.forEach(function (entry) { list.appendChild(requestRow(entry)); });
      $("no-requests").hidden = data.entries.length > 0;
      if (state.open) {
        var again = list.querySelector('[data-handle="' + state.open + '"]');
        if (again) { toggleDetail(again, state.open); } else { state.open = null; }
      }
    }).catch(function () { /* the server may be restarting: try again next second */ });
  }
  $("request-filters").addEventListener("input", function () { state.signature = ""; poll(); });
  $("clear-journal").addEventListener("click", function () {
    call("DELETE", "/requests").then(function () { state.signature = ""; poll(); }, fail);
  });

  // -- data ---------------------------------------------------------------------------
  function loadTables() {
    call("GET", "/console/tables").then(function (tables) {
      var select = $("table-select");
      select.textContent = "";
      tables.forEach(function (t) {
        select.appendChild(el("option", { value: t.name, text: t.name + " (" + t.count + ")" }));
      });
      var wanted = tables.some(function (t) { return t.name === state.table; }) ? state.table
        : (tables.length ? tables[0].name : null);
      if (wanted) { select.value = wanted; state.table = wanted; loadTable(); }
    }, fail);
  }

  function recordSummary(record) {
    var names = ["name", "title", "email", "slug", "start", "status", "path", "filePath"];
    var parts = names.filter(function (n) { return typeof record[n] === "string"; })
      .slice(0, 2).map(function (n) { return n + ": " + record[n]; });
    return parts.join(" · ");
  }

  function loadTable() {
    var q = $("table-filter").value.trim();
    var params = new URLSearchParams({ page: String(state.page) });
    if (q) { params.set("q", q); }
    var asked = state.tableAsked = (state.tableAsked || 0) + 1;
    call("GET", "/console/tables/" + encodeURIComponent(state.table) + "?" + params).then(function (data) {
      if (asked !== state.tableAsked) { return; }  // a later choice is on its way
      var list = $("table-rows");
      list.textContent = "";
      data.items.forEach(function (record) {
        var row = el("button", { type: "button", "class": "row record", "aria-expanded": "false" }, [
          el("span", { "class": "path", text: String(record.id || "") }),
          el("span", { "class": "extra", text: recordSummary(record) })
        ]);
        row.style.gridTemplateColumns = "minmax(0, 1fr)";
        var item = el("li", {}, [row]);
        row.addEventListener("click", function () {
          var shown = item.querySelector("pre");
          if (shown) { shown.remove(); row.setAttribute("aria-expanded", "false"); return; }
          row.setAttribute("aria-expanded", "true");
          item.appendChild(el("pre", { "class": "record-json", text: JSON.stringify(record, null, 2) }));
        });
        list.appendChild(item);
      });
      $("page-info").textContent = data.total ? "page " + data.page + " of " + data.totalPages +
        " · " + data.total + " records" : "no records";
      $("page-prev").disabled = data.page <= 1;
      $("page-next").disabled = data.page >= data.totalPages;
    }, fail);
  }
  $("table-select").addEventListener("change", function (event) {
    state.table = event.target.value; state.page = 1; loadTable();
  });
  $("table-filter").addEventListener("input", function () { state.page = 1; loadTable(); });
  $("page-prev").addEventListener("click", function () { state.page -= 1; loadTable(); });
  $("page-next").addEventListener("click", function () { state.page += 1; loadTable(); });

  // -- credentials --------------------------------------------------------------------
  function snippets(key, user) {
    var pages = base + "/api/v1/site/pages?productId=product_123";
    $("snippet-curl").textContent = "curl '" + pages + "' -H 'x-api-key: " + key + "'";
    $("snippet-env").textContent = "export THE_PROMPTING_COMPANY_BASE_URL='" + base + "'\n" +
      "export TPC_API_KEY='" + key + "'";
    $("snippet-fetch").textContent =
      'await fetch("' + base + '/api/auth/sign-in/email", {\n' +
      '  method: "POST", credentials: "include",\n' +
      '  headers: {"content-type": "application/json"},\n' +
      '  body: JSON.stringify({email: "' + user.email + '", password: "' + user.password + '"})\n' +
      "});\n" +
      'const pages = await fetch("' + pages + '", {credentials: "include"});\n' +
      "console.log(await pages.json());";
  }

  function loadFixtures() {
    call("GET", "/fixtures").then(function (data) {
      state.fixtures = data;
      var key = data.apiKeys.filter(function (k) { return k.enabled; })[0] || { key: "tpc_..." };
      var user = data.users.filter(function (u) { return u.password; })[0] || { email: "", password: "" };
      snippets(key.key, user);
      var cards = $("dev-credentials");
      cards.textContent = "";
      data.apiKeys.forEach(function (k) {
        cards.appendChild(el("div", { "class": "card" }, [
          el("strong", { text: "API key · " + k.name + (k.enabled ? "" : " (disabled)") }),
          el("div", { "class": "muted", text: k.organizationId + " · " + k.scopes.join(" ") }),
          copyable("API key " + k.name, k.key)]));
      });
      data.bearerTokens.forEach(function (t) {
        cards.appendChild(el("div", { "class": "card" }, [
          el("strong", { text: "Bearer token · " + t.userId }),
          el("div", { "class": "muted", text: (t.scopes || []).join(" ") }),
          copyable("bearer token of " + t.userId, t.token)]));
      });
      data.sessions.forEach(function (s) {
        cards.appendChild(el("div", { "class": "card" }, [
          el("strong", { text: "Session cookie · " + s.userId }),
          copyable("session cookie of " + s.userId, s.cookie)]));
      });
      data.users.filter(function (u) { return u.password; }).forEach(function (u) {
        cards.appendChild(el("div", { "class": "card" }, [
          el("strong", { text: "Password · " + u.email }),
          el("div", { "class": "muted", text: u.memberships.map(function (m) {
            return m.role + " of " + m.organizationId; }).join(", ") }),
          copyable("password of " + u.email, u.password)]));
      });
    }, fail);
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      copy($(button.dataset.copy).textContent, button.textContent.replace("Copy ", ""));
    });
  });

  function chosenScopes(form) {
    return Array.prototype.map.call(form.querySelectorAll("input[name=scope]:checked"),
                                    function (box) { return box.value; });
  }

  $("mint-key").addEventListener("submit", function () {
    var form = $("mint-key");
    var body = { name: form.elements.name.value, organizationId: form.elements.organizationId.value,
                 scopes: chosenScopes(form) };
    if (form.elements.expiresIn.value) { body.expiresIn = Number(form.elements.expiresIn.value); }
    call("POST", "/api-keys", body).then(function (data) {
      var out = $("minted-key");
      out.textContent = "";
      out.appendChild(el("p", { text: "Minted " + data.id + " (shown this once):" }));
      out.appendChild(copyable("minted API key", data.key));
    }, fail);
  });
  $("mint-bearer").addEventListener("submit", function () {
    var form = $("mint-bearer");
    call("POST", "/bearer-tokens", { userId: form.elements.userId.value,
                                     scopes: chosenScopes(form) }).then(function (data) {
      var out = $("minted-bearer");
      out.textContent = "";
      out.appendChild(el("p", { text: "Minted a bearer token for " + data.userId +
                                      ", until " + data.expiresAt + ":" }));
      out.appendChild(copyable("minted bearer token", data.token));
    }, fail);
  });

  // -- clock, faults, state -----------------------------------------------------------
  document.querySelectorAll("[data-advance]").forEach(function (button) {
    button.addEventListener("click", function () {
      call("POST", "/clock", { advance: Number(button.dataset.advance) }).then(function (data) {
        toast("Emulator time is now " + data.now); poll();
      }, fail);
    });
  });
  $("clock-reset").addEventListener("click", function () {
    call("POST", "/clock", { reset: true }).then(function () { toast("Back to real time."); poll(); }, fail);
  });

  function loadFaults() {
    call("GET", "/faults").then(function (faults) {
      var rows = $("fault-rows");
      rows.textContent = "";
      faults.forEach(function (f) {
        var remove = el("button", { type: "button", "class": "danger", text: "Remove",
                                    "aria-label": "Remove fault on " + f.path });
        remove.addEventListener("click", function () {
          call("DELETE", "/faults/" + f.id).then(loadFaults, fail);
        });
        rows.appendChild(el("tr", {}, [
          el("td", { text: f.method || "any" }), el("td", { "class": "mono", text: f.path }),
          el("td", { text: f.status ? f.status + " " + (f.code || "") : "—" }),
          el("td", { text: f.times === null ? "until removed" : String(f.times) }),
          el("td", { text: f.delayMs ? f.delayMs + " ms" : "—" }), el("td", {}, [remove])]));
      });
      $("no-faults").hidden = faults.length > 0;
    }, fail);
  }
  $("fault-form").addEventListener("submit", function () {
    var form = $("fault-form").elements;
    var body = { path: form.path.value.trim() };
    if (form.method.value) { body.method = form.method.value; }
    if (form.status.value) { body.status = Number(form.status.value); }
    if (form.times.value) { body.times = Number(form.times.value); }
    if (Number(form.delayMs.value)) { body.delayMs = Number(form.delayMs.value); }
    call("POST", "/faults", body).then(function (fault) {
      toast("Fault added on " + fault.path + "."); loadFaults();
    }, fail);
  });

  function loadSnapshots() {
    call("GET", "/snapshots").then(function (snapshots) {
      var list = $("snapshot-rows");
      list.textContent = "";
      snapshots.forEach(function (s) {
        var restore = el("button", { type: "button", "class": "plain", text: "Restore",
                                     "aria-label": "Restore " + s.id });
        restore.addEventListener("click", function () {
          call("POST", "/restore", { id: s.id }).then(function () {
            toast("Restored " + s.id + "."); state.table = null;
          }, fail);
        });
        list.appendChild(el("li", {}, [el("code", { text: s.id + " " }), restore]));
      });
    }, fail);
  }
  $("snapshot").addEventListener("click", function () {
    call("POST", "/snapshot", {}).then(function (data) {
      toast("Snapshot " + data.id + " taken."); loadSnapshots();
    }, fail);
  });
  $("reset").addEventListener("click", function () {
    if (!confirm("Reset data, clock, journal and faults to the seed?")) { return; }
    call("POST", "/reset", {}).then(function () {
      toast("Reset to the seed."); state.signature = ""; state.table = null;
      loadFaults(); poll();
    }, fail);
  });

  var first = (location.hash || "").slice(1);
  showTab(["requests", "data", "credentials", "state"].indexOf(first) >= 0 ? first : "requests");
  poll();
  setInterval(poll, 1000);
})();
