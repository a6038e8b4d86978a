"""A bare Django project: the yardstick of bench/pages.py (see settings.py)."""
