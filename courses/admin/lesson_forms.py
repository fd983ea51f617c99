"""The forms of the lesson page: one lesson type's fields only, quiz questions with ticked answers.

- `LESSON_TYPES`: the types an author picks from ("+ Add item" on the outline).  "Certificate" is not one:
  it is a signpost lesson with no content of its own (the player shows "complete every required lesson
  to receive your certificate"); the certificate itself comes from the course's certificate template.
  Existing certificate lessons can still be edited and deleted.
- `LessonForm`: the fields of the lesson's type (`lesson_fieldsets`), its duration in minutes (stored in
  seconds, as before), and uploads kept across validation errors (courseworx.core.pending_uploads).
- `QuestionForm`: options as rows with a tick for the correct one(s) (radios for single choice and
  true/false), accepted answers for text questions.
"""

import contextlib
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import FileField
from django.utils.translation import gettext_lazy as _

from courseworx.core.pending_uploads import KeepUploadsMixin

from ..models import CourseContent, QuizQuestion

K = CourseContent.Kind
Q = QuizQuestion.Type


@dataclass(frozen=True)
class LessonType:
    kind: str
    label: str
    icon: str  # Bootstrap Icons
    help: str


LESSON_TYPES = (
    LessonType(K.ARTICLE, "Article", "file-earmark-text", "Text written here (Markdown), with links and images."),
    LessonType(K.VIDEO, "Video", "play-circle", "A video file, or a YouTube or Vimeo link; captions optional."),
    LessonType(K.DOCUMENT, "Document", "file-earmark-pdf", "A PDF, slides or a spreadsheet to open or download."),
    LessonType(K.IMAGE, "Image", "image", "A picture or diagram, with a description for screen readers."),
    LessonType(K.QUIZ, "Quiz", "patch-question", "Questions with the correct answers ticked; a pass mark."),
)
NEW_LESSON_KINDS = frozenset(t.kind for t in LESSON_TYPES)
KIND_ICONS = {t.kind: t.icon for t in LESSON_TYPES} | {K.CERTIFICATE: "award"}

# The fields of each type, with the fieldset's title and description.
KIND_FIELDSETS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    K.ARTICLE: ("Article", "Markdown: **bold**, _italic_, lists, links. HTML is sanitised.", ("article_body",)),
    K.VIDEO: (
        "Video",
        "Upload a video file or give a link from an allowed host (one of the two).",
        ("file", "video_url", "captions"),
    ),
    K.DOCUMENT: ("Document", "The file students open or download.", ("file",)),
    K.IMAGE: ("Image", "", ("file", "alt_text")),
    K.QUIZ: (
        "Quiz settings",
        "The questions follow below the settings.",
        ("pass_mark", "max_attempts", "time_limit_minutes", "shuffle_questions", "manual_grading"),
    ),
    K.CERTIFICATE: (
        "Certificate",
        "A signpost to the course certificate: students who finish every required lesson receive it.",
        (),
    ),
}
SETTINGS_FIELDS = ("is_published", "is_required", "is_preview", "points", "duration_minutes")
LESSON_LABELS = {
    "is_published": "Published (students see it)",
    "is_required": "Required",
    "is_preview": "Free preview",
    "video_url": "Video link",
    "alt_text": "Description for screen readers",
    "max_attempts": "Attempts allowed",
    "time_limit_minutes": "Time limit (minutes)",
    "article_body": "Text",
}


def lesson_fieldsets(kind: str, *, adding: bool) -> list[tuple[str | None, dict]]:
    title, description, fields = KIND_FIELDSETS.get(kind, ("", "", ()))
    main = ("course", "section", "title", "description")
    if not adding:
        main = ("course", "section", "kind", "title", "description")
    fieldsets: list[tuple[str | None, dict]] = [(None, {"fields": main})]
    if fields:
        fields = (*fields, "file_details") if "file" in fields and not adding else fields
        fieldsets.append((title, {"fields": fields, "description": description}))
    elif description:
        fieldsets.append((title, {"fields": (), "description": description}))
    fieldsets.append(("Settings", {"fields": SETTINGS_FIELDS}))
    return fieldsets


class LessonForm(KeepUploadsMixin, forms.ModelForm):
    """A lesson of one type.  The admin sets `fixed_kind` (a new lesson's type, from the picker) and
    `kept_upload_user`; the fields are those of `lesson_fieldsets(kind)`."""

    kept_upload_fields = ("file", "captions")
    fixed_kind: str = ""

    # Declared so that the class is built with an https default (a URLField from the model would warn).
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("A YouTube or Vimeo link (https), instead of a file."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=0,
        max_value=24 * 60,
        required=False,
        help_text=_("About how long it takes, in minutes (shown to students)."),
    )

    class Meta:
        model = CourseContent
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding and self.fixed_kind:
            self.instance.kind = self.fixed_kind
        # Offer only the sections of the lesson's course once it is known.
        course_id = self.instance.course_id or self.initial.get("course") or self.data.get("course")
        if course_id and "section" in self.fields:
            # Not a course id: the course field reports it.
            with contextlib.suppress(ValueError, ValidationError):
                self.fields["section"].queryset = self.fields["section"].queryset.filter(course_id=course_id)
        if "duration_minutes" in self.fields and self.instance.duration_seconds is not None:
            self.initial.setdefault("duration_minutes", round(self.instance.duration_seconds / 60))
        if self.instance.kind != K.VIDEO:
            self.fields.pop("video_url", None)  # a declared field is always there: only videos have a link
        for name, label in LESSON_LABELS.items():
            if name in self.fields:
                self.fields[name].label = label
        if "description" in self.fields:
            self.fields["description"].widget.attrs.update(rows=3)
            self.fields["description"].help_text = "Optional: a sentence shown under the title."

    def clean(self):
        cleaned = super().clean()
        if "duration_minutes" in self.fields and "duration_minutes" in self.changed_data:
            minutes = cleaned.get("duration_minutes")
            self.instance.duration_seconds = None if minutes is None else minutes * 60
        return cleaned

    def service_data(self) -> dict:
        """What `content_create` (every field) / `content_update` (the changed ones) take.  Files: None is
        "no new upload" (left out), False is "cleared"; the duration is stored in seconds."""
        adding = self.instance._state.adding
        data = {}
        for name in self.fields:
            if name not in self.cleaned_data or name == "course" or not (adding or name in self.changed_data):
                continue
            if name == "duration_minutes":
                data["duration_seconds"] = self.instance.duration_seconds
                continue
            value = self.cleaned_data[name]
            if isinstance(CourseContent._meta.get_field(name), FileField):
                if value is None:
                    continue
                value = value or ""
            data[name] = value
        return data


# --- quiz questions -------------------------------------------------------------------------------


class LinesField(forms.CharField):
    """A list of short texts edited one per line (accepted answers of text questions)."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 40})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class OptionRowsWidget(forms.Widget):
    """Answer options as rows: a tick (checkbox, or radio for one correct answer) and the option's text.

    Posts `<name>_text` (every row, in order) and `<name>_correct` (the indexes of the ticked rows).
    """

    template_name = "admin/courses/outline/widgets/option_rows.html"
    min_rows = 4
    tick_type = "checkbox"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = [dict(r) for r in (value or []) if isinstance(r, dict)]
        rows += [{"text": "", "correct": False}] * max(self.min_rows - len(rows), 1)
        context["widget"]["rows"] = rows
        context["widget"]["tick_type"] = self.tick_type
        return context

    def value_from_datadict(self, data, files, name):
        texts = data.getlist(f"{name}_text") if hasattr(data, "getlist") else data.get(f"{name}_text", [])
        ticked = set(data.getlist(f"{name}_correct") if hasattr(data, "getlist") else data.get(f"{name}_correct", []))
        return [{"text": str(t).strip(), "correct": str(i) in ticked} for i, t in enumerate(texts)]

    def value_omitted_from_data(self, data, files, name):
        return f"{name}_text" not in data

    def id_for_label(self, id_):
        return f"{id_}_0_text" if id_ else id_


class OptionRowsField(forms.Field):
    widget = OptionRowsWidget

    def to_python(self, value):
        return [r for r in (value or []) if isinstance(r, dict)]

    def validate(self, value):
        super().validate(value)
        if any(r["correct"] and not r["text"] for r in value):
            raise ValidationError(_("A ticked row has no text: write the option or untick it."), code="blank_option")

    def has_changed(self, initial, data):
        def normal(rows):
            return [(r.get("text", ""), bool(r.get("correct"))) for r in rows or [] if r.get("text")]

        return normal(initial) != normal(data)


class QuestionForm(forms.ModelForm):
    options = OptionRowsField(
        label=_("Options"),
        required=False,
        help_text=_("Choice questions: one option per row; tick the correct one (several for multiple choice)."),
    )
    true_false_answer = forms.ChoiceField(
        label=_("Correct answer"),
        required=False,
        choices=[("True", "True"), ("False", "False")],
        widget=forms.RadioSelect,
        help_text=_("True/false questions."),
    )
    correct_answers = LinesField(
        label=_("Accepted answers"),
        required=False,
        help_text=_("Text questions: every accepted answer, one per line (case and spacing are ignored)."),
    )

    class Meta:
        model = QuizQuestion
        fields = ("question", "question_type", "options", "true_false_answer", "correct_answers", "points",
                  "explanation", "is_active")  # fmt: skip
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2, "cols": 70}),
            "explanation": forms.Textarea(attrs={"rows": 2, "cols": 70}),
        }
        labels = {"is_active": "Ask this question", "explanation": "Explanation (shown after answering)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        question = self.instance
        qtype = question.question_type
        if question.pk:
            answers = set(question.correct_answers or [])
            if qtype in (Q.SINGLE_CHOICE, Q.MULTIPLE_CHOICE):
                self.initial["options"] = [{"text": o, "correct": o in answers} for o in question.options or []]
                self.initial["correct_answers"] = []
            elif qtype == Q.TRUE_FALSE:
                self.initial["options"] = []
                self.initial["true_false_answer"] = next(iter(answers), "")
                self.initial["correct_answers"] = []
        bound_type = self.data.get(self.add_prefix("question_type")) if self.is_bound else qtype
        self.fields["options"].widget.tick_type = "checkbox" if bound_type == Q.MULTIPLE_CHOICE else "radio"

    def clean(self):
        cleaned = super().clean()
        qtype = cleaned.get("question_type")
        rows = cleaned.get("options") or []
        if qtype in (Q.SINGLE_CHOICE, Q.MULTIPLE_CHOICE):
            cleaned["options"] = [r["text"] for r in rows if r["text"]]
            cleaned["correct_answers"] = [r["text"] for r in rows if r["text"] and r["correct"]]
        elif qtype == Q.TRUE_FALSE:
            cleaned["options"] = list(QuizQuestion.TRUE_FALSE_OPTIONS)
            answer = cleaned.get("true_false_answer")
            cleaned["correct_answers"] = [answer] if answer else []
        elif qtype == Q.TEXT:
            cleaned["options"] = []
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # The model speaks of "correct_answers"; for choice questions that is the ticks in the option rows.
        qtype = self.cleaned_data.get("question_type")
        target = {Q.SINGLE_CHOICE: "options", Q.MULTIPLE_CHOICE: "options", Q.TRUE_FALSE: "true_false_answer"}
        if qtype in target and "correct_answers" in self._errors:
            self._errors.setdefault(target[qtype], self.error_class()).extend(self._errors.pop("correct_answers"))
