/* GridBee offline report queue (随手拍 in a basement). Plain JS, no build step; runs both in the
   report pages (<script>) and in their service worker (importScripts), as self.GridBeeQueue.

   A report is written to IndexedDB first, with its Idempotency-Key, the form fields and the
   photo blobs, and only then sent. Whoever sends it (the page, or the service worker on
   Background Sync) sends the same key every time, so the server files it once: 201 creates,
   200 repeats the first answer. Only one sender at a time (a Web Lock); the server's key
   check covers browsers without locks.

   What an answer means for a queued report:
     200/201 with an answer      sent: removed, the answer kept in "done" for the page to show
     401, 403 not "reports.*"    logged out or a stale CSRF token: kept until the rider logs in
     408, 429, 5xx, no network,  kept, tried again later (a 2xx that is not our answer comes from
     a redirect or a 2xx        a captive portal or a proxy: the server never saw it)
       without an answer
     any other 4xx               refused (outside the area, unknown category…): removed, the
                                 server's message kept in "done" for the page to show

   IndexedDB "gridbee-reports": queue (by key), done (answers not yet shown), meta (k/v). */
(function (root) {
  "use strict";

  var DB_NAME = "gridbee-reports";
  var DB_VERSION = 1;
  var LOCK_NAME = "gridbee-report-queue";
  // A slow upload in a basement must not be cut off: three photos at 20 KB/s take a minute.
  var SEND_TIMEOUT_MS = 120000;
  var DONE_KEEP_MS = 30 * 24 * 3600 * 1000;

  var dbPromise = null;

  function openDb() {
    if (dbPromise) {
      return dbPromise;
    }
    dbPromise = new Promise(function (resolve, reject) {
      if (!root.indexedDB) {
        reject(new Error("IndexedDB is not available"));
        return;
      }
      var request = root.indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("queue")) {
          db.createObjectStore("queue", { keyPath: "id" });
        }
        if (!db.objectStoreNames.contains("done")) {
          db.createObjectStore("done", { keyPath: "id" });
        }
        if (!db.objectStoreNames.contains("meta")) {
          db.createObjectStore("meta", { keyPath: "k" });
        }
      };
      request.onsuccess = function () {
        var db = request.result;
        db.onversionchange = function () {
          db.close();
          dbPromise = null;
        };
        resolve(db);
      };
      request.onerror = function () {
        dbPromise = null;
        reject(request.error);
      };
    });
    return dbPromise;
  }

  // One transaction; body(tx) returns an IDBRequest (its result is the answer) or nothing.
  function run(stores, mode, body) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(stores, mode);
        var request = body(tx);
        tx.oncomplete = function () {
          resolve(request && "result" in request ? request.result : undefined);
        };
        tx.onabort = tx.onerror = function () {
          reject(tx.error || new Error("IndexedDB transaction failed"));
        };
      });
    });
  }

  function byCreated(a, b) {
    return a.created - b.created;
  }

  function mine(user) {
    return function (item) {
      return user === null || user === undefined || item.user === user;
    };
  }

  var Q = {};

  Q.uuid = function () {
    var c = root.crypto;
    if (c && typeof c.randomUUID === "function") {
      return c.randomUUID();
    }
    // randomUUID needs a secure context; getRandomValues does not (an intranet on plain HTTP).
    var b = c.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map
      .call(b, function (x) {
        return (x + 0x100).toString(16).slice(1);
      })
      .join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  };

  Q.add = function (item) {
    return run(["queue"], "readwrite", function (tx) {
      return tx.objectStore("queue").add(item);
    });
  };

  Q.get = function (id) {
    return run(["queue"], "readonly", function (tx) {
      return tx.objectStore("queue").get(id);
    });
  };

  Q.list = function (user) {
    return run(["queue"], "readonly", function (tx) {
      return tx.objectStore("queue").getAll();
    }).then(function (items) {
      return (items || []).filter(mine(user)).sort(byCreated);
    });
  };

  Q.update = function (item) {
    return run(["queue"], "readwrite", function (tx) {
      return tx.objectStore("queue").put(item);
    });
  };

  Q.getMeta = function (key) {
    return run(["meta"], "readonly", function (tx) {
      return tx.objectStore("meta").get(key);
    }).then(function (row) {
      return row ? row.v : undefined;
    });
  };

  Q.setMeta = function (key, value) {
    return run(["meta"], "readwrite", function (tx) {
      return tx.objectStore("meta").put({ k: key, v: value });
    });
  };

  // The outcomes not shown yet, oldest first; they are removed as they are taken.
  Q.takeDone = function (user) {
    return run(["done"], "readwrite", function (tx) {
      var store = tx.objectStore("done");
      var request = store.getAll();
      request.onsuccess = function () {
        var now = Date.now();
        (request.result || []).forEach(function (rec) {
          if (mine(user)(rec) || now - rec.at > DONE_KEEP_MS) {
            store.delete(rec.id);
          }
        });
      };
      return request;
    }).then(function (records) {
      return (records || []).filter(mine(user)).sort(byCreated);
    });
  };

  // Sent or refused: out of the queue and into "done" in one transaction.
  function finish(item, outcome) {
    return run(["queue", "done"], "readwrite", function (tx) {
      tx.objectStore("queue").delete(item.id);
      tx.objectStore("done").put({
        id: item.id,
        user: item.user,
        created: item.created,
        at: Date.now(),
        summary: item.summary || {},
        kind: outcome.kind,
        created201: outcome.created === true,
        answer: outcome.answer || null,
        message: outcome.message || "",
      });
    });
  }

  function formOf(item) {
    var form = new FormData();
    Object.keys(item.fields).forEach(function (name) {
      var value = item.fields[name];
      if (value !== null && value !== undefined && value !== "") {
        form.append(name, String(value));
      }
    });
    item.photos.forEach(function (photo, n) {
      form.append("photos", photo.blob, photo.name || "photo-" + (n + 1) + ".jpg");
    });
    return form;
  }

  // Sends one report once; never throws. Resolves to {kind: sent|refused|login|retry, …}.
  Q.send = function (item, options) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = setTimeout(function () {
      if (controller) {
        controller.abort();
      }
    }, options.timeoutMs || SEND_TIMEOUT_MS);
    return Promise.resolve(options.csrf())
      .then(function (token) {
        var headers = { "Idempotency-Key": item.id, Accept: "application/json" };
        if (token) {
          headers["X-CSRFToken"] = token;
        }
        return fetch(options.url, {
          method: "POST",
          body: formOf(item),
          headers: headers,
          credentials: "same-origin",
          cache: "no-store",
          signal: controller ? controller.signal : undefined,
        });
      })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (body) {
            return classify(response, body);
          });
      })
      .catch(function (error) {
        return { kind: "retry", reason: "network", message: String(error && error.message) };
      })
      .finally(function () {
        clearTimeout(timer);
      });
  };

  function classify(response, body) {
    var status = response.status;
    var code = body && typeof body.code === "string" ? body.code : "";
    var message = body && typeof body.message === "string" ? body.message : "";
    if (response.redirected) {
      return { kind: "retry", reason: "network", message: "redirected" };
    }
    if (status === 200 || status === 201) {
      if (body && typeof body.report_id === "number") {
        return { kind: "sent", answer: body, created: status === 201 };
      }
      return { kind: "retry", reason: "network", message: "no answer" };
    }
    if (status === 401 || (status === 403 && code.indexOf("reports.") !== 0)) {
      return { kind: "login", message: message };
    }
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      return { kind: "refused", message: message || "HTTP " + status, code: code };
    }
    return { kind: "retry", reason: "server", message: message || "HTTP " + status };
  }

  // Sends the user's queue, oldest first, until done or the network fails.
  // Resolves to {state: idle|offline|login|busy, sent, refused, remaining}.
  Q.flush = function (options) {
    var locks = root.navigator && root.navigator.locks;
    if (locks && typeof locks.request === "function") {
      return locks.request(LOCK_NAME, { ifAvailable: true }, function (lock) {
        return lock ? flushLocked(options) : { state: "busy", sent: 0, refused: 0 };
      });
    }
    return flushLocked(options);
  };

  function flushLocked(options) {
    var summary = { state: "idle", sent: 0, refused: 0, remaining: 0 };
    return Q.list(options.user).then(function (items) {
      var index = 0;
      function next() {
        if (index >= items.length) {
          return summary;
        }
        var queued = items[index++];
        // Another sender without locks may have sent it meanwhile: read it again.
        return Q.get(queued.id).then(function (item) {
          if (!item) {
            return next();
          }
          if (options.onSend) {
            options.onSend(item, items.length - index + 1);
          }
          return Q.send(item, options).then(function (outcome) {
            if (outcome.kind === "sent" || outcome.kind === "refused") {
              summary[outcome.kind] += 1;
              return finish(item, outcome).then(next);
            }
            item.attempts = (item.attempts || 0) + 1;
            item.lastTry = Date.now();
            item.lastError = outcome.kind === "login" ? "login" : outcome.reason;
            summary.state = outcome.kind === "login" ? "login" : "offline";
            summary.remaining = items.length - index + 1;
            // The network (or the login) fails for the rest as well: stop here.
            return Q.update(item).then(function () {
              return summary;
            });
          });
        });
      }
      return next();
    });
  }

  root.GridBeeQueue = Q;
})(self);
