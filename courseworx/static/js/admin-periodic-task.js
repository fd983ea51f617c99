/* Admin, django-celery-beat periodic task form (templates/admin/djcelery/change_periodictask_form.html):
   show a readable translation of the chosen crontab under its help text (was an inline script). */
(function ($) {
  "use strict";
  var data = document.getElementById("readable-crontabs");
  if (!data) { return; }
  var readable = JSON.parse(data.textContent);
  var help = $(".field-crontab .help");
  var original = help.text();
  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    var translation = readable[$("#id_crontab").val()];
    help.text(original).append($("<br>"), document.createTextNode("Translation: " + (translation || "")));
  });
})(django.jQuery);
