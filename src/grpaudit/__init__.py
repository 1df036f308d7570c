"""grpaudit: a compliance auditor for work group chats."""
__version__ = "0.1.0"
