import pytest
from django.utils import timezone

from learning import services
from learning.models import IssuedCertificate


@pytest.fixture
def certificate(enrollment, student, course):
    return IssuedCertificate.objects.create(
        enrollment=enrollment,
        user=student,
        course=course,
        code="CREDCODE123",
        holder_name="Stella Student",
        course_title=course.title,
        issued_at=timezone.now(),
    )


@pytest.fixture
def signing_key(db):
    return services.signing_key_create()
