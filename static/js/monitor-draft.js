// Keeps a draft of a form in this browser's localStorage, so nothing typed is lost
// when the connection drops at a prison gate: saved on every change, restored when
// the form is opened again, cleared when the server confirms the save (the success
// page carries data-draft-clear="<key>").
(function () {
  "use strict";
  var PREFIX = "casetracker-draft:";
  var MANAGEMENT = /-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/;

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  var store = storage();
  if (!store) return;

  document.querySelectorAll("[data-draft-clear]").forEach(function (el) {
    store.removeItem(PREFIX + el.getAttribute("data-draft-clear"));
  });

  var form = document.querySelector("form[data-draft-key]");
  if (!form) return;
  var key = PREFIX + form.getAttribute("data-draft-key");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" &&
        ["file", "submit", "button", "password", "reset"].indexOf(el.type) === -1;
    });
  }

  function save() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox") data[el.name] = el.checked;
      else if (el.type === "radio") { if (el.checked) data[el.name] = el.value; }
      else data[el.name] = el.value;
    });
    try {
      store.setItem(key, JSON.stringify({ savedAt: new Date().toISOString(), data: data }));
    } catch (e) { /* storage full or disabled: the form still works */ }
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

  function announce() {
    var status = document.querySelector("[data-draft-status]");
    if (!status) return;
    status.textContent = form.getAttribute("data-draft-restored-text") + " ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "secondary";
    discard.textContent = form.getAttribute("data-draft-discard-text");
    discard.addEventListener("click", function () {
      store.removeItem(key);
      window.location.replace(window.location.href);
    });
    status.appendChild(discard);
    status.hidden = false;
    status.setAttribute("role", "status");
  }

  // A form the server sent back with errors already holds what was typed.
  if (!form.hasAttribute("data-draft-bound")) {
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && saved.data) {
      restore(saved.data);
      announce();
    }
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", save);
})();
