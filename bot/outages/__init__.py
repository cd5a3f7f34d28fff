"""Outages and maintenance: declared, updated, resolved, linked, suspected from reports."""
