"""The strategy map, its XLSX export and the public goals page."""

urlpatterns = []
