/* GridBee report service worker. Served by the view at /report/sw.js (scope /report/), which
   puts its settings first as self.GRIDBEE_SW: version, scope, pages, assets, queueScript,
   reportsUrl.

   - Keeps the report page and its static files, so the page opens with no network: pages
     network first (cached copy after a few seconds or when offline), files cache first (the
     version changes with every file, and a new version caches them afresh).
   - Sends the offline queue (report-queue.js) on Background Sync and when a page asks, under
     the same Web Lock as the page, and tells the pages when something changed.
   It never touches other requests: the API, photos and other pages go to the network. */
"use strict";

var CFG = self.GRIDBEE_SW;
importScripts(CFG.queueScript);

var Q = self.GridBeeQueue;
var CACHE_PREFIX = "gridbee-report-";
var CACHE = CACHE_PREFIX + CFG.version;
var SYNC_TAG = "gridbee-report-queue";
var PAGE_TIMEOUT_MS = 4000;
var ASSETS = new Set(CFG.assets);
var PAGES = new Set(CFG.pages);

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(CACHE)
      .then(function (cache) {
        // Files are required (a half shell would not open); the page is best effort: it is
        // also kept each time it is opened online.
        var files = cache.addAll(
          CFG.assets.map(function (url) {
            return new Request(url, { cache: "reload" });
          })
        );
        var pages = Promise.all(
          CFG.pages.map(function (url) {
            return fetch(url, { credentials: "same-origin", cache: "reload" })
              .then(function (response) {
                if (response.ok && !response.redirected) {
                  return cache.put(url, response);
                }
              })
              .catch(function () {});
          })
        );
        return Promise.all([files, pages]);
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name.indexOf(CACHE_PREFIX) === 0 && name !== CACHE;
            })
            .map(function (name) {
              return caches.delete(name);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

function cachedPage(url) {
  return caches.open(CACHE).then(function (cache) {
    // Django varies on Cookie and Accept-Language; a page's request carries neither here.
    return cache.match(url.pathname + url.search, { ignoreVary: true }).then(function (hit) {
      return hit || cache.match(url.pathname, { ignoreVary: true });
    });
  });
}

function pageResponse(event, url) {
  var network = fetch(event.request).then(function (response) {
    // The server down behind a proxy (502, 503): the kept page still opens and queues.
    if (response.status >= 500) {
      return cachedPage(url).then(function (hit) {
        return hit || response;
      });
    }
    return response;
  });
  // Keep each good copy (not a redirect to the login page, not an error).
  event.waitUntil(
    network
      .then(function (response) {
        if (response.ok && response.type === "basic") {
          var copy = response.clone();
          return caches.open(CACHE).then(function (cache) {
            return cache.put(url.pathname + url.search, copy);
          });
        }
      })
      .catch(function () {})
  );
  var timer;
  // A network that hangs (a basement) gets a few seconds, then the cached copy answers.
  var slow = new Promise(function (resolve) {
    timer = setTimeout(resolve, PAGE_TIMEOUT_MS);
  })
    .then(function () {
      return cachedPage(url);
    })
    .then(function (hit) {
      return hit || network;
    });
  return Promise.race([network, slow])
    .catch(function (error) {
      return cachedPage(url).then(function (hit) {
        if (hit) {
          return hit;
        }
        throw error;
      });
    })
    .finally(function () {
      clearTimeout(timer);
    });
}

function assetResponse(event) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(event.request, { ignoreVary: true }).then(function (hit) {
      if (hit) {
        return hit;
      }
      return fetch(event.request).then(function (response) {
        if (response.ok) {
          event.waitUntil(cache.put(event.request, response.clone()));
        }
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && PAGES.has(url.pathname)) {
    event.respondWith(pageResponse(event, url));
  } else if (ASSETS.has(url.pathname)) {
    event.respondWith(assetResponse(event));
  }
});

function tellPages(message) {
  return self.clients.matchAll({ includeUncontrolled: true, type: "window" }).then(function (pages) {
    pages.forEach(function (page) {
      page.postMessage(message);
    });
  });
}

// Sends what the last page left in the queue, as the user that page belonged to.
function flushQueue() {
  return Promise.all([Q.getMeta("user"), Q.getMeta("csrf")]).then(function (meta) {
    var user = meta[0];
    if (user === undefined) {
      return { state: "idle", sent: 0, refused: 0 };
    }
    return Q.flush({
      url: CFG.reportsUrl,
      user: user,
      csrf: function () {
        return Q.getMeta("csrf");
      },
    }).then(function (result) {
      return tellPages({ type: "gridbee-queue", result: result }).then(function () {
        return result;
      });
    });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag !== SYNC_TAG) {
    return;
  }
  event.waitUntil(
    flushQueue().then(function (result) {
      if (result.state === "offline") {
        // Failing the sync event makes the browser try again later, with back-off.
        throw new Error("reports still waiting for the network");
      }
    })
  );
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "gridbee-flush") {
    event.waitUntil(flushQueue());
  }
});
