from django import template

from casetracker.security import sealing

register = template.Library()


@register.simple_tag
def sealing_key() -> sealing.SealingKey:
    """The public half of the key the monitors' pages seal their outbox to."""
    return sealing.current_key()
