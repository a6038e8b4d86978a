from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from suunta import policies
from suunta.accounts import views as account_views
from suunta.api.urls import api_patterns
from suunta.site import bench_views, health
from suunta.site import views as site_views
from suunta.sso import views as sso_views

# The Django admin is for operators; the policy module decides who that is.
admin.site.has_permission = lambda request: policies.can_use_django_admin(request.user)

urlpatterns = [
    path("", site_views.home, name="home"),
    path("organizations/<slug:slug>/plans/", site_views.plan_list, name="plan_list"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    # Also signs out at the organization's provider after single sign-on (suunta/sso).
    path("accounts/logout/", sso_views.logout, name="logout"),
    path("", include("suunta.sso.urls")),
    path("accounts/", include("suunta.accounts.urls")),
    path("", include("suunta.security.urls")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("accessibility/", site_views.accessibility_statement, name="accessibility"),
    # For load balancers and monitoring, without a login (suunta/site/health.py).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="prometheus_metrics"),
    path("", include("suunta.organizations.urls")),
    path("", include("suunta.agreements.urls")),
    path("", include("suunta.governance.urls")),
    path("", include("suunta.audit.urls")),
    path("", include("suunta.followup.urls")),
    path("", include("suunta.evidence.urls")),
    path("", include("suunta.measures.urls")),
    path("", include("suunta.discussions.urls")),
    path("", include("suunta.documents.urls")),
    path("", include("suunta.imports.urls")),
    path("", include("suunta.strategy.urls")),
    path("", include("suunta.strategy.map_urls")),
    path("", include("suunta.reminders.urls")),
    path("", include("suunta.infomgmt.urls")),
    path("", include("suunta.api.urls")),
    path("api/v1/", api_patterns),
    path("admin/", admin.site.urls),
]

# bench/pages.py's floor: an empty page through the whole middleware stack, only when
# SUUNTA_BENCH_FLOOR_PAGE is set (suunta/site/bench_views.py). First, so that the floor
# is the middleware's cost: last, its address was tried against every other pattern
# (some 160, a tenth of its time), more than any page pays.
if settings.BENCH_FLOOR_PAGE:
    urlpatterns.insert(0, path("bench/floor/", bench_views.floor, name="bench_floor"))

# An unhandled error's page; 503 when the database does not answer (suunta/site/errors.py).
handler500 = "suunta.site.errors.server_error"
