// Forms of the workspace: the error summary takes the focus and its links focus
// their field; and on the visit form, "public" is hidden for a case whose records
// this user may not make public (the server refuses it in the same pass anyway).
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("[data-error-link]");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("data-error-link"));
      if (!field) return;
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    });
  }

  var caseSelect = document.querySelector("form#visit-form select[name=case]");
  if (!caseSelect) return;
  var form = caseSelect.form;

  function visibilitySelects(root) {
    return Array.prototype.slice.call(
      root.querySelectorAll('select[name="visibility"], select[name^="observations-"][name$="-visibility"]')
    );
  }

  function apply(refused, root) {
    visibilitySelects(root).forEach(function (select) {
      Array.prototype.forEach.call(select.options, function (option) {
        if (option.value !== "public") return;
        option.hidden = refused;
        option.disabled = refused;
        if (refused && option.selected) select.value = "internal";
      });
    });
  }

  function update() {
    var chosen = caseSelect.options[caseSelect.selectedIndex];
    var refused = !!(chosen && chosen.hasAttribute("data-public-refused"));
    apply(refused, form);
    form.querySelectorAll("template[data-formset-template]").forEach(function (template) {
      apply(refused, template.content);
    });
  }
  caseSelect.addEventListener("change", update);
  update();
})();
