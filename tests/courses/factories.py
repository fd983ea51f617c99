"""Factories for the courses app: `from tests.courses.factories import CourseFactory`.

Stable names (other apps' tests import them): CategoryFactory, TagFactory, CourseFactory,
PublishedCourseFactory, SectionFactory, ContentFactory, QuizContentFactory, QuestionFactory,
CollaboratorFactory.

Factories write rows directly (they do not go through services): a `PublishedCourseFactory` is
published without an approval request or version.  Use the services when a test is about them.
"""

import factory
from django.utils import timezone

from courses.models import (
    Category,
    Course,
    CourseContent,
    CourseSection,
    InstructorCollaborator,
    QuizQuestion,
    Tag,
)
from tests.factories import UserFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag{n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class CourseFactory(factory.django.DjangoModelFactory):
    """A draft course owned by a new instructor.  `tags=[...]`, `prerequisites=[...]` are accepted."""

    class Meta:
        model = Course
        skip_postgeneration_save = True

    instructor = factory.SubFactory(UserFactory, instructor=True)
    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    short_description = "A short description."
    description = "A longer description of what the course teaches."
    category = factory.SubFactory(CategoryFactory)
    status = Course.Status.DRAFT

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        # As courses.services does: the primary category is always one of the categories.
        if create and (extracted or self.category_id):
            self.categories.set({*(c.pk for c in extracted or []), *([self.category_id] if self.category_id else [])})

    @factory.post_generation
    def prerequisites(self, create, extracted, **kwargs):
        if create and extracted:
            self.prerequisites.add(*extracted)


class PublishedCourseFactory(CourseFactory):
    status = Course.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseSection

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    order = factory.Sequence(lambda n: n)


class ContentFactory(factory.django.DjangoModelFactory):
    """An article lesson.  Pass `section=` (its course follows) or `course=` (a section is created)."""

    class Meta:
        model = CourseContent

    section = factory.SubFactory(SectionFactory, course=factory.SelfAttribute("..course"))
    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    kind = CourseContent.Kind.ARTICLE
    order = factory.Sequence(lambda n: n)
    article_body = "Some **Markdown** text."

    @classmethod
    def _with_course_of_section(cls, kwargs: dict) -> dict:
        # `ContentFactory(section=s)` lands in s's course, without creating a stray course first.
        section = kwargs.get("section")
        if section is not None and "course" not in kwargs:
            kwargs["course"] = section.course
        return kwargs

    @classmethod
    def create(cls, **kwargs):
        return super().create(**cls._with_course_of_section(kwargs))

    @classmethod
    def build(cls, **kwargs):
        return super().build(**cls._with_course_of_section(kwargs))


class QuizContentFactory(ContentFactory):
    kind = CourseContent.Kind.QUIZ
    article_body = ""
    pass_mark = 60


class QuestionFactory(factory.django.DjangoModelFactory):
    """A single-choice question on a quiz lesson."""

    class Meta:
        model = QuizQuestion

    content = factory.SubFactory(QuizContentFactory)
    question = factory.Sequence(lambda n: f"Question {n}?")
    question_type = QuizQuestion.Type.SINGLE_CHOICE
    options = factory.LazyFunction(lambda: ["Paris", "London", "Berlin"])
    correct_answers = factory.LazyFunction(lambda: ["Paris"])
    points = 1
    order = factory.Sequence(lambda n: n)


class CollaboratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstructorCollaborator

    course = factory.SubFactory(CourseFactory)
    user = factory.SubFactory(UserFactory, instructor=True)
