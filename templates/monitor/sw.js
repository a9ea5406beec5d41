{% autoescape off %}// The monitors' service worker (served by cases.monitor.device.service_worker).
// Keeps the workspace and the visit form usable without a connection:
// - static assets: from the cache, fetched once;
// - the workspace and visit-form pages: from the network, and the last copy
//   of each from the cache when the network fails (never another page: a
//   visit's report, a person's health, stay on the server);
// - nothing else, and never a POST: reports go through the page's outbox,
//   sealed to the server (monitor-device.js).
// It stores no report: logging out deletes these caches (monitor-device.js).
"use strict";
var VERSION = "{{ version }}";
var SHELL = "casetracker-shell-" + VERSION;
var PAGES = "casetracker-pages";
var ASSETS = {{ assets_json }};
var SHELL_PAGES = {{ pages_json }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) {
      return cache.addAll(ASSETS);
    }).then(function () {
      // The workspace and the blank visit form, so they open offline even if
      // never visited since the worker arrived.
      return caches.open(PAGES).then(function (cache) {
        return Promise.all(SHELL_PAGES.map(function (path) {
          return fetch(path, { credentials: "same-origin" }).then(function (response) {
            if (response.ok && !response.redirected) return cache.put(self.location.origin + path, response);
          }).catch(function () { /* offline at install: cached on the next visit */ });
        }));
      });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("casetracker-shell-") === 0 && name !== SHELL;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isShellPage(url) {
  return SHELL_PAGES.indexOf(url.pathname) !== -1;
}

function fromNetworkThenCache(request, url) {
  return fetch(request).then(function (response) {
    // A redirect (to the login page) or an error is not the page: keep the old copy.
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { cache.put(url.href, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(PAGES).then(function (cache) {
      return cache.match(url.href, { ignoreVary: true }).then(function (hit) {
        // A case's form never seen online: the blank form, then the workspace.
        return hit || cache.match(url.origin + url.pathname, { ignoreVary: true });
      }).then(function (hit) {
        return hit || cache.match(url.origin + SHELL_PAGES[0], { ignoreVary: true });
      });
    }).then(function (hit) {
      return hit || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain" } });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (ASSETS.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  } else if (request.mode === "navigate" && isShellPage(url)) {
    event.respondWith(fromNetworkThenCache(request, url));
  }
});
{% endautoescape %}
