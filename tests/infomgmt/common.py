"""Helpers of the information management tests."""

from django.core.files.uploadedfile import SimpleUploadedFile

from suunta.evidence import uploads
from suunta.evidence.models import Evidence
from suunta.followup.models import Assessment, AssessmentKind


def add_evidence(demo):
    assessment = Assessment.objects.filter(
        checkpoint__version__plan=demo.plan, kind=AssessmentKind.SELF
    ).first()
    name, digest, size = uploads.store(SimpleUploadedFile("liite.pdf", b"%PDF-1.4 evidence"))
    return Evidence.objects.create(
        assessment=assessment,
        kind="file",
        stored_name=name,
        original_name="liite.pdf",
        content_type="application/pdf",
        size=size,
        sha256=digest,
        uploaded_by=assessment.author,
    )
