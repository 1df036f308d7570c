"""Text scanning for the content and privacy rules: pure functions over text columns.

Every function takes a whole column (a pandas Series of message text) and
returns a column or a table of hits keyed by the column's index labels, so
rules stay free of per-message loops and of regular expressions of their own.

* ``normalize`` — the evasion-resistant normal form word lists match against
  (full-width, case, traditional, invisible characters, spaced-out words).
* ``lexicon`` — word lists per category plus an allow list, one Aho–Corasick
  automaton, hits mapped back to the original text.
* ``links`` — URL extraction, registrable domains, allow/deny domain lists,
  short-link services, risky file extensions.
* ``pii`` — resident ID numbers, bank cards, mobile numbers, masking, pay talk.
* ``questions`` — question / request / acknowledgement flags.
* ``regexsafe`` — policy regular expressions on a linear-time engine (RE2) only.

Chat text is untrusted: nothing here backtracks over it. Aho–Corasick and
RE2 run in time linear in the text; the few Python regular expressions have
no nested or overlapping repetition.
"""
from .lexicon import Lexicon, LexiconError, read_words
from .normalize import align, normalize
from .regexsafe import PatternError, check_pattern, matches

__all__ = ["Lexicon", "LexiconError", "read_words", "align", "normalize", "PatternError", "check_pattern",
           "matches"]
