/* Quiz questions on the lesson page (admin): show only the answer fields of each question's type, make the
 * "correct" ticks radios (one answer) or checkboxes (multiple choice), and add option rows.
 *
 * Without this file every answer field is shown, each saying which question type it is for.
 */
(function () {
  "use strict";

  const GROUPS = {
    single_choice: "options",
    multiple_choice: "options",
    true_false: "true_false_answer",
    text: "correct_answers",
  };
  const ANSWER_FIELDS = ["options", "true_false_answer", "correct_answers"];

  function questionOf(element) {
    return element.closest(".inline-related");
  }

  function apply(question) {
    const select = question.querySelector("select[name$='-question_type']");
    if (!select) return;
    const shown = GROUPS[select.value] || "options";
    ANSWER_FIELDS.forEach(function (name) {
      question.querySelectorAll(".form-row.field-" + name).forEach(function (row) {
        row.hidden = name !== shown;
      });
    });
    const tick = select.value === "multiple_choice" ? "checkbox" : "radio";
    question.querySelectorAll("[data-option-rows] input[name$='_correct']").forEach(function (input) {
      input.type = tick;
    });
  }

  function addOption(button) {
    const box = button.closest("[data-option-rows]");
    const list = box.querySelector(".cw-option-list");
    const rows = list.querySelectorAll(".cw-option-row");
    const last = rows[rows.length - 1];
    const row = last.cloneNode(true);
    const index = rows.length;
    row.querySelectorAll("input, label").forEach(function (el) {
      ["id", "for"].forEach(function (attr) {
        const value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(/_\d+_(correct|text)$/, "_" + index + "_$1"));
      });
      if (el.tagName === "LABEL") el.textContent = el.textContent.replace(/\d+/, String(index + 1));
    });
    const tick = row.querySelector("input[name$='_correct']");
    tick.value = String(index);
    tick.checked = false;
    const text = row.querySelector("input[name$='_text']");
    text.value = "";
    text.placeholder = "Option " + (index + 1);
    list.appendChild(row);
    text.focus();
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("select[name$='-question_type']")) apply(questionOf(event.target));
  });
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-add-option]");
    if (button) {
      event.preventDefault();
      addOption(button);
    }
  });
  document.addEventListener("formset:added", function (event) {
    apply(event.target);
  });

  function init() {
    document.querySelectorAll(".inline-related").forEach(apply);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
