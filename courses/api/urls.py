"""Mounted under /api/v1/ (namespace "api")."""

from django.urls import path

from . import translations, views

urlpatterns = [
    # public catalog
    path("courses/", views.CourseListApi.as_view(), name="course-list"),
    path("courses/<str:slug>/", views.CourseDetailApi.as_view(), name="course-detail"),
    path("categories/", views.CategoryListApi.as_view(), name="category-list"),
    path("tags/", views.TagListApi.as_view(), name="tag-list"),
    # instructors
    path("instructor/courses/", views.InstructorCourseListCreateApi.as_view(), name="instructor-course-list"),
    path("instructor/courses/<uuid:course_id>/", views.InstructorCourseDetailApi.as_view(), name="instructor-course"),
    path(
        "instructor/courses/<uuid:course_id>/submit/",
        views.InstructorCourseSubmitApi.as_view(),
        name="instructor-course-submit",
    ),
    path(
        "instructor/courses/<uuid:course_id>/sections/",
        views.InstructorSectionListCreateApi.as_view(),
        name="instructor-section-list",
    ),
    path(
        "instructor/sections/<uuid:section_id>/", views.InstructorSectionDetailApi.as_view(), name="instructor-section"
    ),
    path(
        "instructor/sections/<uuid:section_id>/lessons/",
        views.InstructorLessonListCreateApi.as_view(),
        name="instructor-lesson-list",
    ),
    path("instructor/lessons/<uuid:lesson_id>/", views.InstructorLessonDetailApi.as_view(), name="instructor-lesson"),
    path(
        "instructor/lessons/<uuid:lesson_id>/questions/",
        views.InstructorQuestionListCreateApi.as_view(),
        name="instructor-question-list",
    ),
    path(
        "instructor/questions/<uuid:question_id>/",
        views.InstructorQuestionDetailApi.as_view(),
        name="instructor-question",
    ),
    path(
        "instructor/courses/<uuid:course_id>/translations/<str:language>/",
        translations.InstructorCourseTranslationApi.as_view(),
        name="instructor-course-translation",
    ),
    # reviewers
    path("review/courses/", views.ReviewQueueApi.as_view(), name="review-course-list"),
    path("review/courses/<uuid:course_id>/approve/", views.ReviewApproveApi.as_view(), name="review-course-approve"),
    path(
        "review/courses/<uuid:course_id>/request-changes/",
        views.ReviewRequestChangesApi.as_view(),
        name="review-course-request-changes",
    ),
]
