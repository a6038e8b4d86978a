"""{% once_key %}: the hidden one-time key of a create form (see suunta.lib.once)."""

from django import template
from django.utils.html import format_html

from suunta.lib.once import FIELD, new_key

register = template.Library()


@register.simple_tag
def once_key() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
