"""Expectations: service-level clocks, promises to partners and the escalation ladder."""
