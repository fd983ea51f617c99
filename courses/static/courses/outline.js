/* The course outline (admin): drag-and-drop with SortableJS, and the same moves from the keyboard.
 *
 * The page works without this file (the arrow buttons are forms posting one move each).  With it, a drag or
 * an arrow button moves the element at once, then the whole order is POSTed as JSON to the outline's reorder
 * endpoint, which renumbers everything in one transaction.  The result is announced in the status line
 * (role="status", aria-live="polite"); after a refusal the page is reloaded to show the stored order.
 */
(function () {
  "use strict";

  const root = document.querySelector("[data-outline]");
  if (!root || root.dataset.editable !== "true") return;

  const status = document.getElementById("outline-status");
  const sectionsList = root.querySelector("[data-sections]");
  const csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  let saving = Promise.resolve();

  function announce(text, kind) {
    status.textContent = text;
    status.dataset.kind = kind || "info";
  }

  function sections() {
    return Array.from(sectionsList.querySelectorAll(":scope > .cw-section"));
  }

  function items(section) {
    return Array.from(section.querySelectorAll(":scope > .cw-items > .cw-item"));
  }

  function payload() {
    return {
      sections: sections().map(function (section) {
        return { id: section.dataset.id, items: items(section).map(function (item) { return item.dataset.id; }) };
      }),
    };
  }

  function renumber() {
    sections().forEach(function (section, si) {
      section.querySelector(":scope > .cw-section-head [data-number]").textContent = "Section " + (si + 1);
      const list = items(section);
      list.forEach(function (item, ii) {
        item.querySelector("[data-number]").textContent = (si + 1) + "." + (ii + 1);
      });
      const empty = section.querySelector(":scope > .cw-items > [data-empty]");
      if (empty) empty.hidden = list.length > 0;
    });
  }

  function describe(element) {
    const title = "“" + element.dataset.title + "”";
    if (element.classList.contains("cw-section")) {
      return "Section " + title + " is now section " + (sections().indexOf(element) + 1) + " of " + sections().length + ".";
    }
    const section = element.closest(".cw-section");
    const list = items(section);
    return title + " is now item " + (list.indexOf(element) + 1) + " of " + list.length + " in “" + section.dataset.title + "”.";
  }

  function save(moved) {
    renumber();
    const message = moved ? describe(moved) : "";
    announce(message + " Saving…", "info");
    saving = saving.then(function () {
      return fetch(root.dataset.reorderUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
        body: JSON.stringify(payload()),
      })
        .then(function (response) {
          return response.json().catch(function () { return { ok: false, message: "The server did not answer." }; })
            .then(function (body) {
              if (!response.ok || !body.ok) throw new Error(body.message || "Not saved.");
              announce(message + " Saved.", "success");
            });
        })
        .catch(function (error) {
          announce("Not saved: " + error.message + " Reloading the outline…", "error");
          window.setTimeout(function () { window.location.reload(); }, 2500);
        });
    });
  }

  // --- keyboard (and pointer) moves: the arrow buttons ---

  function moveSection(section, up) {
    const list = sections();
    const i = list.indexOf(section);
    if (up && i > 0) sectionsList.insertBefore(section, list[i - 1]);
    else if (!up && i < list.length - 1) sectionsList.insertBefore(section, list[i + 1].nextSibling);
    else return false;
    return true;
  }

  function moveItem(item, up) {
    const section = item.closest(".cw-section");
    const list = items(section);
    const i = list.indexOf(item);
    const container = item.parentElement;
    if (up && i > 0) {
      container.insertBefore(item, list[i - 1]);
    } else if (!up && i < list.length - 1) {
      container.insertBefore(item, list[i + 1].nextSibling);
    } else {
      const all = sections();
      const neighbour = all[all.indexOf(section) + (up ? -1 : 1)];
      if (!neighbour) return false;
      const target = neighbour.querySelector(":scope > .cw-items");
      const targetItems = items(neighbour);
      if (up) target.insertBefore(item, target.querySelector(":scope > [data-empty]"));
      else target.insertBefore(item, targetItems[0] || target.querySelector(":scope > [data-empty]"));
    }
    return true;
  }

  root.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-move]");
    if (!form) return;
    event.preventDefault();
    const button = event.submitter;
    const up = button && button.value === "up";
    const element = form.closest(form.dataset.move === "section" ? ".cw-section" : ".cw-item");
    const moved = form.dataset.move === "section" ? moveSection(element, up) : moveItem(element, up);
    if (button) button.focus();
    if (moved) {
      element.classList.add("cw-just-moved");
      window.setTimeout(function () { element.classList.remove("cw-just-moved"); }, 1200);
      save(element);
    } else {
      announce("“" + element.dataset.title + "” is already " + (up ? "first." : "last."), "info");
    }
  });

  // --- drag and drop ---

  if (typeof window.Sortable === "function") {
    const options = { animation: 150, ghostClass: "cw-ghost", chosenClass: "cw-chosen", forceFallback: false };
    window.Sortable.create(sectionsList, Object.assign({}, options, {
      handle: ".cw-handle-section",
      draggable: ".cw-section",
      onEnd: function (event) { if (event.oldIndex !== event.newIndex) save(event.item); },
    }));
    root.querySelectorAll("[data-items]").forEach(function (list) {
      window.Sortable.create(list, Object.assign({}, options, {
        group: "outline-items",
        handle: ".cw-handle-item",
        draggable: ".cw-item",
        onEnd: function (event) {
          if (event.from !== event.to || event.oldIndex !== event.newIndex) save(event.item);
        },
      }));
    });
    root.classList.add("cw-draggable");
  }
})();
