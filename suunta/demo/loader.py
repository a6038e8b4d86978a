"""Loads the demo (suunta/demo/data.py). Idempotent: what exists is left as it is."""

import os
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from suunta.agreements import services as plan_services
from suunta.agreements.models import DirectorAgreement, GoalPlan
from suunta.governance import services as governance_services
from suunta.governance import workflow
from suunta.measures import services as measure_services
from suunta.organizations import setup
from suunta.organizations.models import Body, Membership, Organization, Role

from . import cascade, data, discussions, evaluation, followups
from . import strategy as demo_strategy

DEFAULT_PASSWORD = "suunta-demo"


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


def demo_email(username: str, slug: str) -> str:
    """Every persona has an address on a reserved domain (RFC 2606): the demo's
    reminders go to any local SMTP server and never to a real mailbox."""
    return f"{username}@{slug}.example"


def _give_address(user, slug: str) -> None:
    if not user.email:  # an address set by hand is kept
        user.email = demo_email(user.username, slug)
        user.save(update_fields=["email"])


@transaction.atomic
def load_demo() -> list[str]:
    """Create the demo organizations, people and plans; return the usernames."""
    password = demo_password()
    usernames = []
    for spec in data.ORGANIZATIONS:
        org, bodies, people, agreement = load_organization(spec, password)
        usernames += list(people)
        if spec.get("pay_rules"):
            evaluation.load_pay_rules(org, people, spec["pay_rules"])
        # Earlier years rate each metric: only in an organization that does (a demo
        # loaded before it did is left as it is).
        if org.use_weights and org.assess_metrics:
            for earlier in spec.get("earlier_plans", ()):
                evaluation.load_year(people, load_plan(agreement, earlier, people, bodies))
        strategy = None
        if spec.get("strategy"):
            author = people[spec["plan"]["preparer"]]
            strategy = demo_strategy.load_strategy(org, bodies, author)
            demo_strategy.load_budget(org, bodies, author)
        plan = load_plan(agreement, spec["plan"], people, bodies, strategy)
        if spec.get("followups"):
            discussions.load_discussion(people, plan)
            followups.load_followups(people, plan)
            followups.load_current_plan(people, plan)
        if spec.get("cascade"):
            # The sector directors' agreements below the chief's (suunta/demo/cascade.py).
            for agreement, plan_spec, followup in cascade.load_directors(org, people, plan, password):
                cascade.load_followup(people, load_plan(agreement, plan_spec, people, bodies), followup)
            usernames += cascade.USERNAMES
    return usernames


def load_organization(spec: dict, password: str | None = None):
    """One organization of `spec` (as in data.ORGANIZATIONS, without its plan): its
    bodies, people and memberships, the director agreement, and from its preset the
    positions, workflow and rating scale. Returns (organization, bodies by name, people by username, agreement)."""
    user_model = get_user_model()
    password = password or demo_password()
    org, _ = Organization.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            **{k: spec[k] for k in ("name", "name_sv", "business_id", "kind")},
            "use_weights": spec.get("use_weights", False),
            "assess_metrics": spec.get("assess_metrics", False),
            "public_page": spec.get("public_page", False),
        },
    )
    bodies = {}
    for order, body in enumerate(spec["bodies"], start=1):
        bodies[body["name"]], _ = Body.objects.get_or_create(
            organization=org, name=body["name"], defaults={**body, "order": order}
        )
    people = {}
    for username, first, last, role, title in spec["people"]:
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        _give_address(user, spec["slug"])
        Membership.objects.get_or_create(
            organization=org,
            user=user,
            role=role,
            defaults={
                "title": title,
                "valid_from": data.MEMBERSHIP_START,
                "basis": data.ROLE_BASIS.get(username, ""),
            },
        )
        people[username] = user
    agreement_spec = dict(spec["agreement"])
    executive = people[agreement_spec.pop("executive")]
    agreement, _ = DirectorAgreement.objects.get_or_create(
        organization=org, executive=executive, defaults=agreement_spec
    )
    # Evaluators evaluate this agreement (their rights are held per agreement).
    Membership.objects.filter(organization=org, role=Role.EVALUATOR, agreement=None).update(
        agreement=agreement
    )
    # The preset adds the positions, the workflow and the rating scale (the bodies
    # above are the preset's, with the demo's names).
    setup.apply_preset(org, spec["preset"])
    return org, bodies, people, agreement


def load_plan(agreement, spec, people, bodies, strategy=None) -> GoalPlan:
    existing = GoalPlan.objects.filter(
        agreement=agreement, period_start=spec["period_start"], period_end=spec["period_end"]
    ).first()
    if existing is not None:
        return existing
    author = people[spec["preparer"]]
    plan = plan_services.create_plan(
        author,
        agreement,
        title=spec["title"],
        title_sv=spec["title_sv"],
        period_start=spec["period_start"],
        period_end=spec["period_end"],
    )
    version = plan.versions.get()
    weights, measured, scoring, metric_ids = {}, [], {}, []
    for title, title_sv, metrics, *goal_extra in spec["goals"]:
        extra = goal_extra[0] if goal_extra else {}
        # A sector director's goal serves a goal of the chief's approved plan (by its
        # lineage: suunta/demo/cascade.py resolves it before the plan is loaded).
        goal = plan_services.add_goal_area(
            author, version, title=title, title_sv=title_sv, serves=extra.get("serves")
        )
        if "weight" in extra:
            weights[goal.pk] = extra["weight"]
        for text, text_sv, *quantity in metrics:
            fields = {}
            if quantity:
                fields = {k: quantity[0][k] for k in ("unit", "direction")}
                fields.update({k: Decimal(quantity[0][k]) for k in ("baseline", "target")})
            metric = plan_services.add_metric(author, goal, text=text, text_sv=text_sv, **fields)
            metric_ids.append(metric.pk)
            if quantity:
                measured.append((metric, quantity[0]))
                if "scoring" in quantity[0]:
                    scoring[metric.pk] = quantity[0]["scoring"]
    if weights:
        if agreement.organization.assess_metrics:
            # Each metric rated: the metrics of a goal split evenly (no weights of their own).
            measure_services.set_weights(author, version, weights, dict.fromkeys(metric_ids), scoring)
        else:
            measure_services.set_weights(author, version, weights)
    for label, label_sv, start, end, *checkpoint_extra in spec["checkpoints"]:
        plan_services.add_checkpoint(
            author,
            version,
            label=label,
            label_sv=label_sv,
            window_start=start,
            window_end=end,
            **(checkpoint_extra[0] if checkpoint_extra else {}),
        )
    if strategy is not None:  # linked before approval: the links are part of the approved version
        demo_strategy.link_goals(author, version, strategy)
    workflow.ensure_workflow(agreement.organization)
    for step_spec in spec["steps"]:
        step_spec = dict(step_spec)
        actor = people[step_spec.pop("by")]
        version.refresh_from_db()
        action = step_spec.pop("action")
        step = next(s for s in workflow.steps_from(version) if s.action == action)
        if "presenter" in step_spec:
            step_spec["presenter"] = people[step_spec["presenter"]]
        governance_services.take_step(actor, version, step, **step_spec)
    # Values are measurements of the plan in force: recorded once it is approved.
    for metric, quantity in measured:
        for day, value, comment in quantity["values"]:
            measure_services.record_value(
                author,
                plan,
                metric,
                measured_on=day,
                value=Decimal(value),
                comment=comment,
                source=quantity["source"],
            )
    return plan
