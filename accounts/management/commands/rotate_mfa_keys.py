"""Re-encrypt every stored TOTP secret and recovery seed with the newest key."""

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.adapters import ENCRYPTED_PREFIX, mfa_cipher


def _rotate(value, cipher):
    if isinstance(value, str) and value.startswith(ENCRYPTED_PREFIX):
        token = value.removeprefix(ENCRYPTED_PREFIX).encode()
        return ENCRYPTED_PREFIX + cipher.rotate(token).decode()
    if isinstance(value, list):
        return [_rotate(item, cipher) for item in value]
    return value


class Command(BaseCommand):
    help = (
        "Re-encrypt MFA secrets with the first key of MFA_ENCRYPTION_KEYS. Add the new "
        "key in front, run this, then remove the old key."
    )

    def handle(self, *args, **options):
        cipher = mfa_cipher()
        count = 0
        with transaction.atomic():
            for authenticator in Authenticator.objects.select_for_update():
                authenticator.data = {
                    key: _rotate(value, cipher) for key, value in authenticator.data.items()
                }
                authenticator.save(update_fields=["data"])
                count += 1
        self.stdout.write(f"Re-encrypted {count} authenticator(s) with the newest key.")
