"""Catalog lookups: categories, tags, and the text-search configuration."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import TimeStampedModel

# The PostgreSQL text-search configuration of the catalog search and of lesson transcripts
# (courses.selectors, courses.transcripts); the transcripts' GIN index is built with it.
SEARCH_CONFIG = "english"


class Category(TimeStampedModel):
    """A catalog category; categories nest (parent) to any depth."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    description = models.TextField(blank=True)
    icon = models.CharField(max_length=50, blank=True, help_text=_("A Bootstrap Icons name, e.g. 'code-slash'."))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"
        constraints = [models.CheckConstraint(condition=~Q(parent=models.F("id")), name="category_not_own_parent")]

    def __str__(self) -> str:
        return self.name


class Tag(TimeStampedModel):
    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
