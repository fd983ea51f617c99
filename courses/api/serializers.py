"""Input and output serializers, one pair per endpoint (changing one endpoint never ripples into another)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.models import Category, Course, CourseContent, CourseSection, QuizQuestion, Tag
from courseworx.core.api.money import MoneyOutputMixin
from courseworx.core.currency import currency_choices, decimals_check, display_price_data, normalise_code


# -- small nested outputs -----------------------------------------------------------------------
class _InstructorOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField(source="get_full_name")


class _CategoryRefOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.SlugField()


class _TagRefOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()


# -- public catalog -------------------------------------------------------------------------------
class DisplayPriceSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=20, decimal_places=3, coerce_to_string=True)
    currency = serializers.CharField()
    formatted = serializers.CharField()
    approximate = serializers.BooleanField()


class CourseListOutputSerializer(MoneyOutputMixin, serializers.ModelSerializer):
    instructor = _InstructorOutputSerializer()
    category = _CategoryRefOutputSerializer(allow_null=True, help_text="The primary category.")
    categories = _CategoryRefOutputSerializer(many=True, help_text="Every category, the primary included.")
    tags = _TagRefOutputSerializer(many=True)
    is_free = serializers.BooleanField()
    lesson_count = serializers.IntegerField()
    url = serializers.CharField(source="get_absolute_url")
    display_price = serializers.SerializerMethodField(
        help_text="The price in the display currency asked by ?display_currency= or X-Display-Currency "
        "(approximate, at today's rate, and checkout charges `price` `currency`; or, when the course lists an "
        "explicit price in that currency, that price with approximate=false, which checkout charges); null when "
        "none was asked."
    )

    class Meta:
        model = Course
        fields = (
            "id", "slug", "title", "short_description", "thumbnail", "price", "currency", "is_free", "level",
            "language", "duration_minutes", "lesson_count", "rating", "rating_count", "enrollment_count",
            "is_featured", "instructor", "category", "categories", "tags", "published_at", "url",
            "display_price",
        )  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(DisplayPriceSerializer(allow_null=True))
    def get_display_price(self, course) -> dict | None:
        return display_price_data(self.context.get("request"), course.price, course.currency, item=course)


class _LessonOutlineOutputSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="kind")

    class Meta:
        model = CourseContent
        fields = ("id", "title", "type", "order", "duration_seconds", "is_preview", "is_required")
        read_only_fields = fields


class _SectionOutlineOutputSerializer(serializers.ModelSerializer):
    lessons = _LessonOutlineOutputSerializer(many=True)

    class Meta:
        model = CourseSection
        fields = ("id", "title", "description", "order", "lessons")
        read_only_fields = fields


class _PrerequisiteOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.SlugField()
    title = serializers.CharField()


class CourseDetailOutputSerializer(CourseListOutputSerializer):
    requirements = serializers.ListField(child=serializers.CharField(), source="requirement_list")
    learning_outcomes = serializers.ListField(child=serializers.CharField(), source="outcome_list")
    syllabus = _SectionOutlineOutputSerializer(many=True)
    prerequisites = _PrerequisiteOutputSerializer(many=True)
    status = serializers.CharField()
    is_preview = serializers.BooleanField()

    class Meta(CourseListOutputSerializer.Meta):
        fields = (
            *CourseListOutputSerializer.Meta.fields,
            "description", "requirements", "learning_outcomes", "curriculum_summary", "max_students",
            "start_date", "end_date", "status", "is_preview", "prerequisites", "syllabus",
        )  # fmt: skip
        read_only_fields = fields


class CategoryOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ("id", "name", "slug", "parent", "description", "icon", "order")
        read_only_fields = fields


class TagOutputSerializer(serializers.ModelSerializer):
    course_count = serializers.IntegerField(source="course_total")

    class Meta:
        model = Tag
        fields = ("id", "name", "slug", "course_count")
        read_only_fields = fields


# -- instructor: courses --------------------------------------------------------------------------
class CoursePriceSerializer(MoneyOutputMixin, serializers.Serializer):
    """An explicit price in another currency than the course's own."""

    currency = serializers.CharField(max_length=3, min_length=3)
    amount = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"))

    def validate_currency(self, value: str) -> str:
        code = normalise_code(value)
        if code is None or code not in dict(currency_choices()):
            raise serializers.ValidationError("Unknown or inactive currency code.", code="invalid_currency")
        return code

    def validate(self, attrs):
        try:
            decimals_check(attrs["amount"], attrs["currency"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"amount": exc.messages}, code="too_many_decimals") from exc
        return attrs


class InstructorCourseOutputSerializer(MoneyOutputMixin, serializers.ModelSerializer):
    instructor = _InstructorOutputSerializer()
    category = _CategoryRefOutputSerializer(allow_null=True, help_text="The primary category.")
    categories = _CategoryRefOutputSerializer(many=True, help_text="Every category, the primary included.")
    tags = _TagRefOutputSerializer(many=True)
    prices = CoursePriceSerializer(many=True, help_text="Explicit prices in other currencies.")

    class Meta:
        model = Course
        fields = (
            "id", "slug", "title", "status", "short_description", "description", "thumbnail", "price",
            "currency", "prices", "level", "language", "duration_minutes", "category", "categories", "tags",
            "instructor", "requirements", "learning_outcomes", "curriculum_summary", "max_students", "start_date",
            "end_date", "is_featured", "published_at", "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = fields


class InstructorCourseCreateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, min_length=3)
    slug = serializers.SlugField(max_length=220, required=False)
    short_description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    description = serializers.CharField()
    price = serializers.DecimalField(
        max_digits=12, decimal_places=3, min_value=0, required=False,
        help_text="At most the currency's decimals (JPY 0, USD 2, KWD 3).",
    )  # fmt: skip
    currency = serializers.CharField(max_length=3, min_length=3, required=False)
    prices = CoursePriceSerializer(
        many=True, required=False,
        help_text="Explicit prices in other currencies (replaces the list): visitors showing prices in one of "
        "them see and pay that price.",
    )  # fmt: skip
    level = serializers.ChoiceField(choices=Course.Level.choices, required=False)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    duration_minutes = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), required=False, allow_null=True
    )
    categories = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), many=True, required=False,
        help_text="Category slugs the course is listed under; the primary `category` is always added.",
    )  # fmt: skip
    tags = serializers.SlugRelatedField(slug_field="slug", queryset=Tag.objects.all(), many=True, required=False)
    requirements = serializers.CharField(required=False, allow_blank=True)
    learning_outcomes = serializers.CharField(required=False, allow_blank=True)
    curriculum_summary = serializers.CharField(required=False, allow_blank=True)
    max_students = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)

    def validate_currency(self, value: str) -> str:
        code = normalise_code(value)
        if code is None or code not in dict(currency_choices()):
            raise serializers.ValidationError(_("Unknown or inactive currency code."), code="invalid_currency")
        return code

    def validate(self, attrs):
        if "price" in attrs and attrs.get("currency"):
            try:
                decimals_check(attrs["price"], attrs["currency"])
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"price": exc.messages}, code="too_many_decimals") from exc
        return attrs


class InstructorCourseUpdateInputSerializer(InstructorCourseCreateInputSerializer):
    """Every field optional (PATCH semantics); only the fields sent are changed."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


class CourseSubmitInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


# -- instructor: sections, lessons, questions -----------------------------------------------------
class SectionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseSection
        fields = ("id", "course", "title", "description", "order", "is_published", "created_at", "updated_at")
        read_only_fields = fields


class SectionInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    order = serializers.IntegerField(min_value=0, required=False)
    is_published = serializers.BooleanField(required=False)


class LessonOutputSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="kind")
    file = serializers.SerializerMethodField(help_text="The permission-checked URL of the lesson's file, if any.")

    class Meta:
        model = CourseContent
        fields = (
            "id", "course", "section", "title", "description", "type", "order", "is_published", "is_required",
            "is_preview", "points", "duration_seconds", "file", "file_size", "file_type", "alt_text",
            "video_url", "article_body", "article_html", "pass_mark", "max_attempts", "time_limit_minutes",
            "shuffle_questions", "manual_grading", "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = fields

    def get_file(self, obj) -> str | None:
        # Lesson files are private (no public URL): link the view that checks who may open the lesson.
        if not obj.file:
            return None
        url = reverse("learning:lesson_file", args=[obj.course.slug, obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class LessonInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    type = serializers.ChoiceField(choices=CourseContent.Kind.choices, source="kind")
    description = serializers.CharField(required=False, allow_blank=True)
    order = serializers.IntegerField(min_value=0, required=False)
    is_published = serializers.BooleanField(required=False)
    is_required = serializers.BooleanField(required=False)
    is_preview = serializers.BooleanField(required=False)
    points = serializers.IntegerField(min_value=0, required=False)
    duration_seconds = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    file = serializers.FileField(required=False)
    alt_text = serializers.CharField(max_length=300, required=False, allow_blank=True)
    video_url = serializers.URLField(required=False, allow_blank=True)
    article_body = serializers.CharField(required=False, allow_blank=True)
    pass_mark = serializers.IntegerField(min_value=0, max_value=100, required=False)
    max_attempts = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    time_limit_minutes = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    shuffle_questions = serializers.BooleanField(required=False)
    manual_grading = serializers.BooleanField(required=False)


class QuestionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuizQuestion
        fields = (
            "id", "content", "question", "question_type", "options", "correct_answers", "points", "explanation",
            "order", "is_active", "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = fields


class QuestionInputSerializer(serializers.Serializer):
    question = serializers.CharField()
    question_type = serializers.ChoiceField(choices=QuizQuestion.Type.choices, required=False)
    options = serializers.ListField(child=serializers.CharField(), required=False)
    correct_answers = serializers.ListField(child=serializers.CharField(), required=False)
    points = serializers.IntegerField(min_value=1, required=False)
    explanation = serializers.CharField(required=False, allow_blank=True)
    order = serializers.IntegerField(min_value=0, required=False)
    is_active = serializers.BooleanField(required=False)


# -- reviewers ------------------------------------------------------------------------------------
class ReviewCourseOutputSerializer(serializers.ModelSerializer):
    instructor = _InstructorOutputSerializer()
    category = _CategoryRefOutputSerializer(allow_null=True)

    class Meta:
        model = Course
        fields = ("id", "slug", "title", "status", "short_description", "instructor", "category", "updated_at")
        read_only_fields = fields


class ApproveInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RequestChangesInputSerializer(serializers.Serializer):
    note = serializers.CharField(help_text="What the instructor must change (required).")


class ReviewDecisionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.SlugField()
    status = serializers.CharField()
    version = serializers.IntegerField(allow_null=True, help_text="The version created by an approval.")
