from django.urls import reverse


def test_plan_page_shows_the_seed_goals(demo):
    response = demo.client("pormestari").get(reverse("plan_detail", args=[demo.plan.pk]))
    assert response.status_code == 200
    assert "Strategian toimeenpanon johtaminen" in response.content.decode()
