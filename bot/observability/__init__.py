"""Observability: metrics for Prometheus and logs without secrets."""
