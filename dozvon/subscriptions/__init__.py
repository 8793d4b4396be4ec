"""SUB: subscriptions, their import, the registry and promo codes (SUB-1…6)."""
