"""Triage: the technicians' work on a request, from claim to resolution."""
