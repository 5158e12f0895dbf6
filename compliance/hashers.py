"""How passwords are hashed: Argon2id at the cost OWASP recommends, so that a sign-in answers at once.

Django's own Argon2 setting (100 MiB, two passes, eight lanes) takes 0.4–1.1 s per sign-in on a busy two-core
machine: its eight lanes contend for two cores. OWASP's Password Storage Cheat Sheet names 19 MiB, two passes and
one lane as a minimum that resists GPU cracking; that costs about 25 ms here. A hash made with other parameters still
verifies (they are read from the hash) and is remade with these at the person's next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's recommended parameters: m=19 MiB, t=2, p=1."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
