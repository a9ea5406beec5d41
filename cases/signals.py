"""Signals of the editorial workflow.

`publications_created` is sent (inside the publishing transaction) when
cases.services.publish_many has bulk-created Publication rows, which send no
post_save: the public app writes the read model for all of them at once.
"""

from django.dispatch import Signal

publications_created = Signal()  # publications: list[Publication]
