"""DUN: unpaid bank-transfer orders of a partner pharmacy (SPEC DUN-1…9, seed 002).

Part 1 holds the pure rules (`rules.py`, `language.py`): the week of work and the bonus
(DUN-1/2), postponement by reason (DUN-5), comments in Russian (DUN-6), calling
discipline (DUN-7) and exhausted orders (DUN-8). No ORM here; the playbook's checks
(`playbooks/rules.py`) and the services call them with loaded facts.
"""
