// "Add an observation" / "Add a source": clone the formset's empty form.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset]").forEach(function (fieldset) {
    var prefix = fieldset.getAttribute("data-formset");
    var total = fieldset.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var template = fieldset.querySelector("template[data-formset-template]");
    var rows = fieldset.querySelector("[data-formset-rows]");
    var add = fieldset.querySelector("[data-formset-add]");
    if (!total || !template || !rows || !add) return;
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("input, select, textarea");
      if (first && !add.hasAttribute("data-restoring")) first.focus();
    });
  });
})();
