"""Courses API: a course's translations, one language at a time (instructors of the course).

GET  /api/v1/instructor/courses/<id>/translations/<language>/  every translatable field: the
     translation ("" when none) and, under "originals", the original text;
PUT  the same shape (without "originals"): a text sets a field's translation, "" removes it, fields not
     sent are left as they are (`services.translation_save`).

Another instructor's course is a 404; an unknown language, part, object or field is a 400 with the
field's message; a published course's translations change through a revision (409
`revision_required`).  What readers get in their language: the catalog endpoints follow
`Accept-Language` (see `courses.api.views`).
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from courses import services
from courses.translations import course_translation_data
from courseworx.core.api.schema import conflict_codes

from .views import TAGS_INSTRUCTOR, IsCourseAuthorRole, _authored_course


def _text() -> serializers.CharField:
    return serializers.CharField(allow_blank=True, trim_whitespace=False)


class TranslationFieldsSerializer(serializers.Serializer):
    """The fields of one language: course fields, then sections' and lessons' by id."""

    course = serializers.DictField(child=_text(), required=False, help_text="title, short_description, description")
    sections = serializers.DictField(
        child=serializers.DictField(child=_text()), required=False, help_text="{section id: {title, description}}"
    )
    lessons = serializers.DictField(
        child=serializers.DictField(child=_text()),
        required=False,
        help_text="{lesson id: {title, description, article_body}} (article_body: articles only, Markdown)",
    )

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields) - {"language", "originals"})
        if unknown:
            raise serializers.ValidationError(dict.fromkeys(unknown, "Unknown field."))
        return attrs


class TranslationOutputSerializer(TranslationFieldsSerializer):
    language = serializers.CharField()
    originals = TranslationFieldsSerializer(help_text="The original texts, in the course's own language.")


def _check_language(language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        codes = ", ".join(code for code, _ in settings.LANGUAGES)
        raise serializers.ValidationError({"language": f"Unknown language: use one of {codes}."})


class InstructorCourseTranslationApi(APIView):
    """One language's translation of one of your courses."""

    permission_classes = [IsCourseAuthorRole]

    @extend_schema(tags=TAGS_INSTRUCTOR, responses=TranslationOutputSerializer)
    def get(self, request, course_id, language: str):
        course = _authored_course(request.user, course_id)
        _check_language(language)
        if language == course.language:
            raise serializers.ValidationError({"language": "This is the course's own language."})
        return Response(course_translation_data(course=course, language=language))

    @extend_schema(tags=TAGS_INSTRUCTOR, request=TranslationFieldsSerializer, responses=TranslationOutputSerializer)
    @conflict_codes("revision_required", "course_locked")
    def put(self, request, course_id, language: str):
        course = _authored_course(request.user, course_id)
        _check_language(language)
        serializer = TranslationFieldsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.translation_save(course=course, language=language, values=serializer.validated_data, user=request.user)
        return Response(course_translation_data(course=course, language=language))
