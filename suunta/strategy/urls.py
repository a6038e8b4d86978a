"""The strategy and budget management pages (suunta/strategy/views.py)."""

urlpatterns = []
