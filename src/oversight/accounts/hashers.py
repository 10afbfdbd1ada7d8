"""The password hasher: Argon2id with OWASP's recommended parameters (docs/decisions/0007)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id, 19 MiB of memory, 2 passes, 1 lane: the first of the equivalent settings in OWASP's
    Password Storage Cheat Sheet. Django's own (100 MiB, 8 lanes) costs a sign-in about 0.2 s of CPU
    and 100 MiB of memory each, so twenty people signing in at nine o'clock queue behind each other and
    need 2 GiB between them; these cost 0.025 s and 19 MiB. The algorithm's name is unchanged, so a hash
    made with Django's parameters still checks and is re-made with these at the next sign-in."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
