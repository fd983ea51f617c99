"""Validators shared by community's forms and API serializers."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Control and format characters (zero-width space, joiners, BOM, direction marks), separators, and lone
# combining marks: text made only of these looks empty.
_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"}


def visible_text(value: str) -> None:
    """Refuse text made only of invisible characters: Django and DRF strip only whitespace, so "\u200b" was
    posted as an empty-looking message or ticket (issue 19 §5)."""
    if all(unicodedata.category(char) in _INVISIBLE for char in value):
        raise ValidationError(_("This field may not be blank."), code="blank")
