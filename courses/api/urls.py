"""Mounted under /api/v1/ (namespace "api")."""

from django.urls import path

from . import authoring, translations, views

urlpatterns = [
    # public catalog
    path("courses/", views.CourseListApi.as_view(), name="course-list"),
    path("courses/<str:slug>/", views.CourseDetailApi.as_view(), name="course-detail"),
    path("categories/", views.CategoryListApi.as_view(), name="category-list"),
    path("tags/", views.TagListApi.as_view(), name="tag-list"),
    # instructors
    path("instructor/courses/", views.InstructorCourseListCreateApi.as_view(), name="instructor-course-list"),
    path(
        "instructor/courses/<uuid:course_id>/", authoring.CourseAuthoringDetailApi.as_view(), name="instructor-course"
    ),
    path(
        "instructor/courses/<uuid:course_id>/submit/",
        views.InstructorCourseSubmitApi.as_view(),
        name="instructor-course-submit",
    ),
    path(
        "instructor/courses/<uuid:course_id>/sections/",
        authoring.SectionListCreateApi.as_view(),
        name="instructor-section-list",
    ),
    path("instructor/sections/<uuid:section_id>/", authoring.SectionDetailApi.as_view(), name="instructor-section"),
    path(
        "instructor/sections/<uuid:section_id>/lessons/",
        authoring.LessonListCreateApi.as_view(),
        name="instructor-lesson-list",
    ),
    path("instructor/lessons/<uuid:lesson_id>/", authoring.LessonDetailApi.as_view(), name="instructor-lesson"),
    path(
        "instructor/lessons/<uuid:lesson_id>/questions/",
        authoring.QuestionListCreateApi.as_view(),
        name="instructor-question-list",
    ),
    path(
        "instructor/questions/<uuid:question_id>/",
        authoring.QuestionDetailApi.as_view(),
        name="instructor-question",
    ),
    # instructors: the rest of the course (courses/api/authoring.py)
    path(
        "instructor/courses/<uuid:course_id>/sections/reorder/",
        authoring.SectionReorderApi.as_view(),
        name="instructor-section-reorder",
    ),
    path(
        "instructor/sections/<uuid:section_id>/lessons/reorder/",
        authoring.LessonReorderApi.as_view(),
        name="instructor-lesson-reorder",
    ),
    path("instructor/lessons/<uuid:lesson_id>/move/", authoring.LessonMoveApi.as_view(), name="instructor-lesson-move"),
    path(
        "instructor/lessons/<uuid:lesson_id>/questions/reorder/",
        authoring.QuestionReorderApi.as_view(),
        name="instructor-question-reorder",
    ),
    path(
        "instructor/courses/<uuid:course_id>/revision/",
        authoring.CourseRevisionStartApi.as_view(),
        name="instructor-course-revision",
    ),
    path(
        "instructor/courses/<uuid:course_id>/certificate-template/",
        authoring.CourseCertificateTemplateApi.as_view(),
        name="instructor-course-certificate-template",
    ),
    path(
        "instructor/certificate-templates/",
        authoring.CertificateTemplateListApi.as_view(),
        name="instructor-certificate-template-list",
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
