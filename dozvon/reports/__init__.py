"""Reports for every playbook (X-11, DUN-9, SUB-6, NBO-5)."""
