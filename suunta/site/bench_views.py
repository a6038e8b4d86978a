"""bench/pages.py's floor: the cost of Suunta's middleware stack and a logged-in session.

Routed only when settings.BENCH_FLOOR_PAGE is on (SUUNTA_BENCH_FLOOR_PAGE, for the bench's
own server); never in production.
"""

from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def floor(request):
    """An empty page for a logged-in user: the user is loaded (as every page loads it),
    nothing else is read or rendered."""
    return HttpResponse(f"{request.user.pk}\n", content_type="text/plain; charset=utf-8")
