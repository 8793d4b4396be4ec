"""DUN: payments reported by the partner (DUN-2 delivery, DUN-9 attribution and KPI)."""
