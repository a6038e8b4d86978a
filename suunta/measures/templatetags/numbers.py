from django import template

from suunta.lib.numbers import format_decimal

register = template.Library()


@register.filter
def local_decimal(value, unit: str = ""):
    """1234567.5 → "1 234 567,5 €" in Finnish (the unit after a no-break space)."""
    return format_decimal(value, unit or "")
