// Gamification pages: a scope <select data-autosubmit> submits its form on change (no inline JS: CSP).
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.submit();
});
