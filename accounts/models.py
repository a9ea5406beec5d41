from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's own user model, so accounts can grow without a painful swap."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
