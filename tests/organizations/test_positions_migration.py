"""Existing organizations keep their people's rights when titles become positions: the
mayor's rights go to the mayor position, presenting to the mayor (else the board chair),
and the council chair is still asked for views."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("organizations", "0003_invitations_and_role_grants")]
AFTER = [("organizations", "0004_positions")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_titles_become_positions_with_the_rights_they_had():
    apps = _migrate(BEFORE)
    try:
        organization_model = apps.get_model("organizations", "Organization")
        membership_model = apps.get_model("organizations", "Membership")
        user_model = apps.get_model("accounts", "User")
        with_mayor = organization_model.objects.create(name="A", slug="a", business_id="0135202-4")
        without = organization_model.objects.create(name="B", slug="b", business_id="1234567-1")
        for organization, title in ((with_mayor, "mayor"), (without, "board_chair")):
            user = user_model.objects.create(username=f"{organization.slug}-{title}")
            membership_model.objects.create(
                organization=organization,
                user=user,
                role="evaluator",
                title=title,
                valid_from=dt.date(2024, 1, 1),
            )

        apps = _migrate(AFTER)
        position_model = apps.get_model("organizations", "Position")
        rights = {
            (p.organization.slug, p.code): (
                p.presents,
                p.may_mark_agreed,
                p.may_close_memo,
                p.asked_for_views,
            )
            for p in position_model.objects.select_related("organization")
        }
        assert rights[("a", "mayor")] == (True, True, True, False)
        assert rights[("a", "board_chair")] == (False, False, False, False)
        assert rights[("b", "board_chair")] == (True, False, False, False)
        assert rights[("b", "mayor")] == (False, True, True, False)
        assert rights[("a", "council_chair")] == (False, False, False, True)
        assert len(rights) == 10
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_organization_wide_evaluators_become_evaluators_of_each_agreement():
    apps = _migrate([("organizations", "0006_evaluators_per_agreement")])
    try:
        organization = apps.get_model("organizations", "Organization").objects.create(
            name="A", slug="a", business_id="0135202-4"
        )
        user_model = apps.get_model("accounts", "User")
        agreement_model = apps.get_model("agreements", "DirectorAgreement")
        agreements = [
            agreement_model.objects.create(
                organization=organization,
                executive=user_model.objects.create(username=f"johtaja-{n}"),
                position_title="johtaja",
                position_genitive="johtajan",
                starts_on=dt.date(2024, 1, 1),
            )
            for n in (1, 2)
        ]
        membership_model = apps.get_model("organizations", "Membership")
        mayor = user_model.objects.create(username="pormestari")
        membership_model.objects.create(
            organization=organization,
            user=mayor,
            role="evaluator",
            title="mayor",
            valid_from=dt.date(2024, 1, 1),
            basis="KV 1.1.2024 § 1",
        )
        membership_model.objects.create(
            organization=organization, user=mayor, role="preparer", valid_from=dt.date(2024, 1, 1)
        )

        apps = _migrate([("organizations", "0007_evaluators_per_agreement_data")])
        rows = apps.get_model("organizations", "Membership").objects.filter(user__username="pormestari")
        assert sorted((m.role, m.agreement_id, m.basis) for m in rows) == [
            ("evaluator", agreements[0].pk, "KV 1.1.2024 § 1"),
            ("evaluator", agreements[1].pk, "KV 1.1.2024 § 1"),
            ("preparer", None, ""),
        ]
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
