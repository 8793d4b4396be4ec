"""NBO: campaigns, eligibility, responses and adjustments (NBO-1…6)."""
