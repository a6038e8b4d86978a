"""Deployment checks of the site's own settings (run by `manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def accessibility_feedback_channel(app_configs, **kwargs):
    # The accessibility statement must name a feedback channel (306/2019, § 15); an
    # installation without one would publish a statement that breaks the law.
    if settings.ACCESSIBILITY_FEEDBACK_EMAIL or settings.ACCESSIBILITY_FEEDBACK_URL:
        return []
    return [
        Warning(
            "The accessibility statement has no feedback channel.",
            hint="Set SUUNTA_ACCESSIBILITY_FEEDBACK_EMAIL or SUUNTA_ACCESSIBILITY_FEEDBACK_URL "
            "(and SUUNTA_ACCESSIBILITY_PROVIDER); see docs/deployment.md.",
            id="suunta.W001",
        )
    ]
