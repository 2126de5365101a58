"""Notifications: an in-app inbox for every user and e-mail sent after the transaction commits."""
