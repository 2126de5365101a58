"""Accounts: users, roles, sign-up and approval, and who may see what."""
