"""What the information management pages show (a fixed number of queries)."""

from suunta.agreements.models import DirectorAgreement

from .forms import RuleForm
from .models import RecordType
from .retention import rules_for


def rule_forms(organization, data=None) -> list[RuleForm]:
    rules = rules_for(organization.pk)
    forms = []
    for record_type in RecordType:
        rule = rules[record_type.value]
        form = RuleForm(
            data,
            record_type=record_type.value,
            initial={"trigger": rule.trigger, "years": rule.years, "task_class": rule.task_class},
        )
        form.rule = rule
        forms.append(form)
    return forms


def agreements_with_holds(organization) -> list:
    return list(
        DirectorAgreement.objects.filter(organization=organization)
        .select_related("executive", "legal_hold")
        .order_by("executive__last_name", "pk")
    )
