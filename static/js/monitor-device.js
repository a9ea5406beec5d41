// The monitor's phone: a report survives a dead connection and a seized phone.
//
// - Drafts, one per case, are kept in localStorage encrypted (AES-GCM) with a key
//   the server keeps in the signed-in session (/monitor/device/draft-key/): once
//   the session ends, nobody can read them. The key is held in memory only.
// - A report submitted without a connection (or that the server did not take)
//   goes into the outbox, one entry per case, sealed to the server's public key
//   (ECDH P-256 + HKDF + AES-GCM; casetracker/security/sealing.py opens it): this
//   device cannot read it back. The outbox sends itself when the connection
//   returns, with the report's idempotency key, so a resend never makes a second
//   visit.
// - Logging out sends what it can, says what would be lost, then wipes drafts,
//   the outbox and the service worker's caches.
// See SECURITY.md for what this protects and what it does not.
(function () {
  "use strict";
  var config = document.getElementById("device-config");
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  if (!config || !store || !window.crypto || !crypto.subtle) return;

  var UID = config.getAttribute("data-user");
  var DRAFT = "casetracker-draft:" + UID + ":";
  var OUTBOX = "casetracker-outbox:" + UID + ":";
  var MANAGEMENT = /-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/;
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();

  function text(name) { return config.getAttribute("data-text-" + name) || ""; }
  function b64(buffer) {
    var bytes = new Uint8Array(buffer), s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s);
  }
  function unb64(s) {
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function read(key) {
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  }
  function entries(prefix) {
    var found = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(prefix) === 0) {
        found.push({ key: key, caseId: key.slice(prefix.length), value: read(key) });
      }
    }
    return found;
  }

  // --- sealing to the server ---------------------------------------------------
  var serverKey = null;
  function serverPublicKey() {
    serverKey = serverKey || crypto.subtle.importKey(
      "spki", unb64(config.getAttribute("data-seal-key")),
      { name: "ECDH", namedCurve: "P-256" }, false, []);
    return serverKey;
  }
  async function seal(plaintext) {
    var pub = await serverPublicKey();
    var ephemeral = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
    var shared = await crypto.subtle.deriveBits({ name: "ECDH", public: pub }, ephemeral.privateKey, 256);
    var hkdf = await crypto.subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
    var key = await crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode("casetracker outbox v1") },
      hkdf, { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var ct = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: iv, additionalData: encoder.encode("user:" + UID) }, key, encoder.encode(plaintext));
    var epk = await crypto.subtle.exportKey("raw", ephemeral.publicKey);
    return JSON.stringify({ v: 1, kid: config.getAttribute("data-seal-kid"), epk: b64(epk), iv: b64(iv), ct: b64(ct) });
  }

  // --- drafts, under this session's key -------------------------------------------
  var draftKey = null;
  function sessionKey() {
    draftKey = draftKey || fetch(config.getAttribute("data-draft-key-url"), {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (body) {
      if (!body || !body.key) return null;
      return crypto.subtle.importKey("raw", unb64(body.key), "AES-GCM", false, ["encrypt", "decrypt"]);
    }).catch(function () { return null; }).then(function (key) {
      if (!key) draftKey = null;  // try again later (offline, or signed out)
      return key;
    });
    return draftKey;
  }
  async function saveDraft(caseId, data) {
    var key = await sessionKey();
    if (!key) return false;
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, encoder.encode(JSON.stringify(data)));
    try {
      store.setItem(DRAFT + caseId, JSON.stringify({ savedAt: new Date().toISOString(), iv: b64(iv), ct: b64(ct) }));
    } catch (e) { return false; }
    return true;
  }
  async function readDraft(caseId) {
    var saved = read(DRAFT + caseId);
    if (!saved || !saved.ct) return null;
    var key = await sessionKey();
    if (!key) return null;
    try {
      var plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(saved.iv) }, key, unb64(saved.ct));
      return JSON.parse(decoder.decode(plain));
    } catch (e) {
      // Encrypted under a session that has ended: unreadable for good.
      store.removeItem(DRAFT + caseId);
      return null;
    }
  }

  // --- the outbox -------------------------------------------------------------------
  var flushing = null;
  function flush() {
    flushing = flushing || sendAll().finally(function () { flushing = null; render(); });
    return flushing;
  }
  async function sendAll() {
    var token = csrfToken();
    var pending = entries(OUTBOX).filter(function (e) { return e.value && e.value.state === "pending"; });
    for (var i = 0; i < pending.length; i++) {
      var entry = pending[i], response, body = null;
      try {
        response = await fetch(config.getAttribute("data-send-url"), {
          method: "POST", credentials: "same-origin", headers: { Accept: "application/json" },
          body: new URLSearchParams({ csrfmiddlewaretoken: token, sealed: entry.value.sealed })
        });
      } catch (e) { return; }  // still offline: the next "online" event retries
      try { body = await response.json(); } catch (e) { return; }  // signed out: retried once signed in
      if (response.ok && body.saved) {
        store.removeItem(entry.key);
      } else if (response.status === 422 || response.status === 400) {
        entry.value.state = response.status === 422 ? "rejected" : "unreadable";
        store.setItem(entry.key, JSON.stringify(entry.value));
      }
    }
  }
  function forget(idempotencyKey) {
    entries(OUTBOX).forEach(function (entry) {
      if (entry.value && entry.value.key === idempotencyKey) store.removeItem(entry.key);
    });
  }

  // --- what is waiting on this device --------------------------------------------------
  function caseLabel(caseId) {
    var el = document.querySelector('[data-case-label][data-case-id="' + caseId + '"]') ||
      document.querySelector('select[name=case] option[value="' + caseId + '"]');
    if (el) return el.getAttribute("data-case-label") || el.textContent.trim();
    return text("case").replace("{id}", caseId);
  }
  function age(iso) {
    var seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
    var lang = document.documentElement.lang || "en";
    var format = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(lang, { numeric: "auto" }) : null;
    if (!format) return iso;
    var abs = Math.abs(seconds);
    if (abs < 60) return format.format(seconds, "second");
    if (abs < 3600) return format.format(Math.round(seconds / 60), "minute");
    if (abs < 86400) return format.format(Math.round(seconds / 3600), "hour");
    return format.format(Math.round(seconds / 86400), "day");
  }
  function openToCorrect(entry) {
    var open = document.createElement("form");
    open.method = "post";
    open.action = config.getAttribute("data-send-url");
    [["csrfmiddlewaretoken", csrfToken()], ["sealed", entry.value.sealed]].forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = pair[0]; input.value = pair[1];
      open.appendChild(input);
    });
    var button = document.createElement("button");
    button.type = "submit"; button.className = "secondary small"; button.textContent = text("open");
    open.appendChild(button);
    return open;
  }
  function render() {
    document.querySelectorAll("[data-outbox-list]").forEach(function (section) {
      var only = section.hasAttribute("data-outbox-current") ? currentCase() : null;
      var list = section.querySelector("[data-outbox-items]");
      var empty = section.querySelector("[data-outbox-empty]");
      list.textContent = "";
      var items = entries(OUTBOX).map(function (e) { e.kind = "report"; return e; })
        .concat(entries(DRAFT).map(function (e) { e.kind = "draft"; return e; }))
        .filter(function (e) { return e.value && (only === null || e.caseId === only); });
      items.forEach(function (entry) {
        var li = document.createElement("li");
        li.className = "card" + (entry.kind === "report" ? " card-alert" : "");
        li.setAttribute("data-outbox-entry", entry.kind);
        var title = document.createElement("strong");
        title.textContent = text(entry.kind) + ": " + caseLabel(entry.caseId);
        li.appendChild(title);
        var when = document.createElement("span");
        when.className = "muted";
        when.textContent = " " + text("saved-ago").replace("{age}", age(entry.value.savedAt));
        li.appendChild(when);
        if (entry.kind === "report" && entry.value.state !== "pending") {
          var state = document.createElement("p");
          state.textContent = text(entry.value.state);
          li.appendChild(state);
          if (entry.value.state === "rejected") li.appendChild(openToCorrect(entry));
        }
        list.appendChild(li);
      });
      if (empty) empty.hidden = items.length > 0;
      section.hidden = false;
    });
  }

  // --- the visit form ---------------------------------------------------------------------
  var form = document.querySelector("form[data-device-form]");
  var status = document.querySelector("[data-draft-status]");
  function currentCase() {
    var select = form && form.querySelector("[name=case]");
    return (select && select.value) || "none";
  }
  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "case" &&
        ["file", "submit", "button", "password", "reset"].indexOf(el.type) === -1;
    });
  }
  function collect() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox") data[el.name] = el.checked;
      else if (el.type === "radio") { if (el.checked) data[el.name] = el.value; }
      else data[el.name] = el.value;
    });
    return data;
  }
  function growFormsets(data) {
    form.querySelectorAll("[data-formset]").forEach(function (fieldset) {
      var prefix = fieldset.getAttribute("data-formset");
      var total = form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
      var add = fieldset.querySelector("[data-formset-add]");
      var wanted = parseInt(data[prefix + "-TOTAL_FORMS"], 10) || 0;
      if (!total || !add) return;
      add.setAttribute("data-restoring", "");
      for (var guard = 0; parseInt(total.value, 10) < wanted && guard < 50; guard++) add.click();
      add.removeAttribute("data-restoring");
    });
  }
  function restore(data) {
    growFormsets(data);
    fields().forEach(function (el) {
      if (!(el.name in data) || MANAGEMENT.test(el.name)) return;
      if (el.type === "checkbox") el.checked = !!data[el.name];
      else if (el.type === "radio") el.checked = data[el.name] === el.value;
      else el.value = data[el.name];
    });
  }
  function say(message, discard) {
    if (!status) return;
    status.textContent = message + " ";
    if (discard) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = text("discard");
      button.addEventListener("click", function () {
        store.removeItem(DRAFT + currentCase());
        window.location.replace(window.location.href);
      });
      status.appendChild(button);
    }
    status.hidden = false;
    status.setAttribute("role", "status");
  }
  function newReportKey() {
    var input = form.querySelector("[name=idempotency_key]");
    if (input && !input.value) input.value = crypto.randomUUID();
  }
  var saveTimer = null;
  function saveSoon() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(function () {
      saveDraft(currentCase(), collect()).then(function (kept) {
        if (!kept && !navigator.onLine) say(text("no-key"));
      });
    }, 250);
  }
  async function toOutbox(body, message) {
    var caseId = body.get("case") || "none";
    body.delete("csrfmiddlewaretoken");
    if (read(OUTBOX + caseId) && !window.confirm(text("replace"))) return;
    var sealed = await seal(JSON.stringify({ form: body.toString() }));
    store.setItem(OUTBOX + caseId, JSON.stringify({
      savedAt: new Date().toISOString(), key: body.get("idempotency_key"), sealed: sealed, state: "pending"
    }));
    clearTimeout(saveTimer);
    store.removeItem(DRAFT + caseId);
    form.reset();
    var input = form.querySelector("[name=idempotency_key]");
    if (input) input.value = "";
    newReportKey();
    say(message);
    render();
    window.scrollTo(0, 0);
  }
  async function submit() {
    newReportKey();
    var body = new URLSearchParams(new FormData(form));
    var response, answer = null;
    try {
      response = await fetch(form.action || window.location.href, {
        method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" }
      });
    } catch (e) {
      return toOutbox(body, text("queued"));
    }
    try { answer = await response.json(); } catch (e) { answer = null; }
    if (response.ok && answer && answer.saved) {
      clearTimeout(saveTimer);
      store.removeItem(DRAFT + currentCase());
      window.location.assign(answer.saved);
    } else if (response.status === 422) {
      // The server found errors: let it show them, with everything typed.
      form.setAttribute("data-native", "");
      form.submit();
    } else {
      return toOutbox(body, response.status >= 500 ? text("queued") : text("queued-signed-out"));
    }
  }
  if (form) {
    newReportKey();
    // A form the server sent back with errors already holds what was typed.
    if (!form.hasAttribute("data-draft-bound")) {
      readDraft(currentCase()).then(function (data) {
        if (data) { restore(data); say(text("restored"), true); }
      });
    }
    form.addEventListener("input", saveSoon);
    form.addEventListener("change", function (event) {
      if (event.target.name === "case") render();
      saveSoon();
    });
    form.addEventListener("submit", function (event) {
      if (form.hasAttribute("data-native")) return;
      event.preventDefault();
      submit();
    });
  }

  // --- a saved report: its draft and outbox entry are done with -------------------------
  document.querySelectorAll("[data-sent-case]").forEach(function (el) {
    store.removeItem(DRAFT + el.getAttribute("data-sent-case"));
    if (el.getAttribute("data-sent-key")) forget(el.getAttribute("data-sent-key"));
  });

  // --- logging out ----------------------------------------------------------------------------
  async function wipe() {
    Object.keys(store).filter(function (key) { return key.indexOf("casetracker-") === 0; })
      .forEach(function (key) { store.removeItem(key); });
    try { window.sessionStorage.clear(); } catch (e) { /* not available */ }
    if (window.caches) {
      var names = await caches.keys();
      await Promise.all(names.filter(function (name) { return name.indexOf("casetracker-") === 0; })
        .map(function (name) { return caches.delete(name); }));
    }
    if (window.indexedDB && indexedDB.databases) {
      var databases = await indexedDB.databases();
      databases.forEach(function (db) { indexedDB.deleteDatabase(db.name); });
    }
  }
  document.querySelectorAll("form[data-logout]").forEach(function (logout) {
    logout.addEventListener("submit", async function (event) {
      if (logout.hasAttribute("data-native")) return;
      event.preventDefault();
      if (navigator.onLine) await flush();
      var reports = entries(OUTBOX).length, drafts = entries(DRAFT).length;
      if (reports + drafts > 0) {
        var warning = text("logout").replace("{reports}", reports).replace("{drafts}", drafts);
        if (!window.confirm(warning)) return;
      }
      await wipe();
      logout.setAttribute("data-native", "");
      logout.submit();
    });
  });

  // --- start ---------------------------------------------------------------------------------
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.getAttribute("data-sw"), { scope: config.getAttribute("data-scope") })
      .catch(function () { /* no worker: the pages still work online */ });
  }
  window.addEventListener("online", function () { flush(); });
  render();
  if (navigator.onLine) flush();
})();
