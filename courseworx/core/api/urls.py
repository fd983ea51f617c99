from django.urls import path

from . import views

urlpatterns = [
    path("flags/", views.FlagsView.as_view(), name="flags"),
]
