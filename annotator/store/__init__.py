"""Persistence: SQLModel tables, engine set-up and queries returning domain records."""
