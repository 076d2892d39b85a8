from django.db import models


class OutboxMessage(models.Model):
    """A message for an outside channel (SMS, WeChat template message). The default channel
    only writes here: nothing is sent to the internet; a gateway on the intranet may drain it."""

    channel = models.CharField(max_length=20)
    recipient = models.CharField(max_length=50)
    subject = models.CharField(max_length=100, blank=True)
    body = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}"


class Flag(models.Model):
    """A fact about this installation, kept in its own database so that a copy of the data
    (a backup restored elsewhere) carries it: e.g. "demo" once the demo city was made in it."""

    name = models.CharField(max_length=50, primary_key=True)
    set_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
