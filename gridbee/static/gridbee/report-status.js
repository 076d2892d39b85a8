/* GridBee report pages, both of them (随手拍 and my reports): the offline queue as the rider
   sees it. Plain JS, no build step; needs report-queue.js loaded first; report.js (the form)
   comes after it on the report page.

   Settings come from <script type="application/json" id="report-config">, words included
   (translated on the server). This file:
   - registers the service worker (scope /report/) and tells it who is sending (IndexedDB meta);
   - shows the offline queue ("3 waiting to send") and sends it: on load, when the network comes
     back, when the page is shown again, when asked, and every so often while reports wait;
   - shows the answers to what was sent (status, grid, first report) or refused (the server's
     message), whoever sent it: this page or the service worker;
   - on my reports, lists the reports still waiting on this phone above the server's list.
   Text goes into the page with textContent, never as HTML. */
(function () {
  "use strict";

  var configEl = document.getElementById("report-config");
  var Q = window.GridBeeQueue;
  if (!configEl || !Q) {
    return;
  }
  var cfg = JSON.parse(configEl.textContent);
  var T = cfg.text;
  var SYNC_TAG = "gridbee-report-queue";
  var RETRY_MS = [10000, 20000, 40000, 60000];

  function fmt(template, params) {
    return String(template).replace(/%\((\w+)\)s/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : whole;
    });
  }

  function node(tag, text, className) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) {
      el.textContent = String(text);
    }
    if (className) {
      el.className = className;
    }
    return el;
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function timeLabel(ms) {
    var d = new Date(ms);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function csrfToken() {
    var name = cfg.csrfCookie + "=";
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i].trim();
      if (part.indexOf(name) === 0) {
        return decodeURIComponent(part.slice(name.length));
      }
    }
    return cfg.csrfToken;
  }

  // ---- The service worker and what it needs to send for us -----------------------------------

  var sw = "serviceWorker" in navigator ? navigator.serviceWorker : null;

  function remember() {
    return Promise.all([Q.setMeta("user", cfg.user), Q.setMeta("csrf", csrfToken())]).catch(function () {});
  }

  function askForSync() {
    if (!sw) {
      return;
    }
    sw.ready
      .then(function (registration) {
        if (registration.sync) {
          return registration.sync.register(SYNC_TAG);
        }
      })
      .catch(function () {}); // no Background Sync: the page keeps trying by itself
  }

  if (sw) {
    sw.register(cfg.swUrl, { scope: cfg.swScope }).catch(function () {});
    sw.addEventListener("message", function (event) {
      if (event.data && event.data.type === "gridbee-queue") {
        refresh();
      }
    });
  }

  // ---- The queue bar and the answers ---------------------------------------------------------

  var bar = document.getElementById("queue-bar");
  var barText = document.getElementById("queue-text");
  var barNote = document.getElementById("queue-note");
  var retryButton = document.getElementById("queue-retry");
  var outcomesEl = document.getElementById("outcomes");
  var pendingList = document.getElementById("pending-list");
  var state = { flushing: false, again: false, sendingCount: 0, problem: "", retryTimer: null, retryStep: 0 };
  var shown = {};

  function renderQueue(items) {
    var count = items.length;
    var sending = state.flushing && count > 0;
    bar.setAttribute("data-count", String(count));
    bar.setAttribute("data-state", sending ? "sending" : count ? state.problem || "waiting" : "idle");
    bar.hidden = count === 0;
    barText.textContent = sending
      ? fmt(T.sending, { count: state.sendingCount || count })
      : fmt(T.queued, { count: count });
    retryButton.hidden = sending || count === 0;
    var problem = count && !sending ? state.problem : "";
    barNote.textContent = problem === "login" ? T.needsLogin : problem === "offline" ? T.offline : "";
    if (problem === "login") {
      var login = node("a", T.logIn, "queue-login");
      login.href = cfg.loginUrl;
      barNote.appendChild(document.createTextNode(" "));
      barNote.appendChild(login);
    }
    barNote.hidden = !problem;
    if (pendingList) {
      renderPending(items);
    }
  }

  var previewUrls = [];

  function renderPending(items) {
    previewUrls.forEach(URL.revokeObjectURL);
    previewUrls = [];
    pendingList.textContent = "";
    pendingList.hidden = items.length === 0;
    var none = document.getElementById("no-reports");
    if (none) {
      none.hidden = items.length > 0; // "no reports yet" is not true with some waiting
    }
    items.forEach(function (item) {
      var li = node("li", null, "report-item is-pending");
      li.setAttribute("data-pending-id", item.id);
      var photo = item.photos && item.photos[0];
      if (photo && photo.blob) {
        var img = node("img", null, "report-thumb");
        var url = URL.createObjectURL(photo.blob);
        previewUrls.push(url);
        img.src = url;
        img.alt = "";
        img.width = 72;
        img.height = 72;
        li.appendChild(img);
      }
      var body = node("div", null, "report-body");
      var summary = item.summary || {};
      var title = node("p", null, "report-title");
      title.appendChild(node("span", summary.icon || "", "report-icon"));
      title.appendChild(document.createTextNode(" " + (summary.name || item.fields.category)));
      body.appendChild(title);
      var meta = [fmt(T.pendingSince, { time: timeLabel(item.created) })];
      if (item.photos && item.photos.length > 1) {
        meta.push(fmt(T.photoCount, { count: item.photos.length }));
      }
      if (item.attempts) {
        meta.push(fmt(T.attempts, { count: item.attempts }));
      }
      body.appendChild(node("p", meta.join(" · "), "report-meta"));
      if (item.fields.text) {
        body.appendChild(node("p", item.fields.text, "report-text"));
      }
      var tags = node("p", null, "report-tags");
      tags.appendChild(node("span", T.pendingLabel, "status-tag status-pending"));
      body.appendChild(tags);
      li.appendChild(body);
      pendingList.appendChild(li);
    });
  }

  function showOutcome(rec) {
    if (shown[rec.id]) {
      return;
    }
    shown[rec.id] = true;
    var sent = rec.kind === "sent";
    var box = node("section", null, "outcome outcome-" + (sent ? "sent" : "refused"));
    box.setAttribute("data-kind", rec.kind);
    box.setAttribute("data-key", rec.id);
    box.setAttribute("role", sent ? "status" : "alert");
    var summary = rec.summary || {};
    var head = node("div", null, "outcome-head");
    head.appendChild(node("span", sent ? "✓" : "!", "outcome-mark"));
    var title = node("p", null, "outcome-title");
    title.appendChild(node("strong", sent ? T.sentTitle : T.refusedTitle));
    title.appendChild(document.createTextNode(" · " + (summary.icon ? summary.icon + " " : "") + (summary.name || "")));
    head.appendChild(title);
    var close = node("button", "×", "outcome-close");
    close.type = "button";
    close.setAttribute("aria-label", T.dismiss);
    close.addEventListener("click", function () {
      box.remove();
    });
    head.appendChild(close);
    box.appendChild(head);
    if (sent && rec.answer) {
      var answer = rec.answer;
      var c = answer.case || {};
      box.setAttribute("data-first", answer.first_report ? "true" : "false");
      box.setAttribute("data-report-id", String(answer.report_id));
      var dl = node("dl", null, "outcome-facts");
      dl.appendChild(node("dt", T.caseStatus));
      var status = node("dd");
      status.appendChild(node("span", cfg.statuses[c.status] || c.status, "status-tag"));
      status.lastChild.setAttribute("data-status", c.status || "");
      status.appendChild(document.createTextNode(" " + fmt(T.caseNumber, { id: c.id })));
      dl.appendChild(status);
      dl.appendChild(node("dt", T.grid));
      dl.appendChild(node("dd", c.grid_name || c.region_name || "—", "outcome-grid"));
      box.appendChild(dl);
      var foot = node("div", null, "outcome-foot");
      if (answer.first_report) {
        foot.appendChild(node("span", T.first, "first-tag"));
      } else {
        foot.appendChild(node("span", T.notFirst, "outcome-note"));
      }
      var link = node("a", T.seeMine, "outcome-link");
      link.href = cfg.mineUrl;
      foot.appendChild(link);
      box.appendChild(foot);
    } else {
      box.appendChild(node("p", rec.message, "outcome-message"));
    }
    outcomesEl.insertBefore(box, outcomesEl.firstChild);
  }

  var refreshing = null;

  // Reads the queue and the new answers again and shows them.
  function refresh() {
    if (refreshing) {
      return refreshing.then(refresh);
    }
    refreshing = Q.list(cfg.user)
      .then(function (items) {
        renderQueue(items);
        return Q.takeDone(cfg.user);
      })
      .then(function (records) {
        records.forEach(showOutcome);
      })
      .catch(function () {})
      .finally(function () {
        refreshing = null;
      });
    return refreshing;
  }

  function scheduleRetry(ms) {
    clearTimeout(state.retryTimer);
    state.retryTimer = setTimeout(function () {
      flush();
    }, ms);
  }

  // Sends the queue now; while something waits, tries again later, each time a little later.
  function flush() {
    if (state.flushing) {
      state.again = true; // a report queued meanwhile: send it after this round
      return Promise.resolve();
    }
    clearTimeout(state.retryTimer);
    state.flushing = true;
    return remember()
      .then(function () {
        return Q.flush({
          url: cfg.reportsUrl,
          user: cfg.user,
          csrf: csrfToken,
          onSend: function (item, left) {
            state.sendingCount = left;
            refresh();
          },
        });
      })
      .then(function (result) {
        state.problem = result.state === "offline" || result.state === "login" ? result.state : "";
        if (result.state === "busy") {
          scheduleRetry(3000); // the service worker is sending; look again soon
        } else if (result.state === "offline") {
          scheduleRetry(RETRY_MS[Math.min(state.retryStep++, RETRY_MS.length - 1)]);
          askForSync();
        } else {
          state.retryStep = 0;
        }
      })
      .catch(function () {
        state.problem = "offline";
      })
      .finally(function () {
        state.flushing = false;
        state.sendingCount = 0;
        var again = state.again && !state.problem;
        state.again = false;
        return refresh().then(function () {
          if (again) {
            return flush();
          }
        });
      });
  }

  retryButton.addEventListener("click", function () {
    state.retryStep = 0;
    flush();
  });
  window.addEventListener("online", function () {
    state.retryStep = 0;
    flush();
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      flush();
    }
  });

  // Handles for report.js and for tests.
  window.gridbeeReports = {
    cfg: cfg,
    text: T,
    fmt: fmt,
    node: node,
    queue: Q,
    csrfToken: csrfToken,
    askForSync: askForSync,
    refresh: refresh,
    flush: flush,
    showOutcome: showOutcome,
    outcomes: outcomesEl,
  };

  refresh().then(function () {
    return flush();
  });
})();
