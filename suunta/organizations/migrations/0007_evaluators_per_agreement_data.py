# The data step of 0006, in a migration of its own: PostgreSQL refuses schema changes
# in the transaction that changed the rows.

from django.db import migrations


def evaluators_per_agreement(apps, schema_editor):
    """Today's organization-wide evaluators become evaluators of each of their
    organization's agreements (one membership per agreement, same term and basis)."""
    Membership = apps.get_model("organizations", "Membership")
    DirectorAgreement = apps.get_model("agreements", "DirectorAgreement")
    for membership in Membership.objects.filter(role="evaluator", agreement__isnull=True).order_by("pk"):
        agreements = list(
            DirectorAgreement.objects.filter(organization_id=membership.organization_id).order_by("pk")
        )
        if not agreements:
            continue  # no agreement yet: the admin names it when one is made
        first, *others = agreements
        membership.agreement = first
        membership.save(update_fields=["agreement"])
        for agreement in others:
            membership.pk = None
            membership.agreement = agreement
            membership.save()


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0006_evaluators_per_agreement"),
    ]

    operations = [
        migrations.RunPython(evaluators_per_agreement, migrations.RunPython.noop),
    ]
