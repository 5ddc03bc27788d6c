"""The outbox that runs this machine's notification command for reminders."""
