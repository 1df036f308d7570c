"""flooding rules (to be written)."""
from __future__ import annotations

#: the rules this module defines, in the order `grpaudit rules` lists them
RULES: tuple = ()
