"""Personal API tokens: a secret shown once, stored only as its SHA-256 hash, revocable."""

from django.db import models

from oversight.accounts.models import Account


class ApiToken(models.Model):
    owner = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="api_tokens")
    # The first characters of the token, kept in clear so that a person can tell their tokens apart;
    # the rest is known only to whoever was shown it.
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created", "pk")

    def __str__(self) -> str:
        state = "revoked" if self.revoked else "active"
        return f"{self.prefix}… ({self.owner}, {state})"
