"""Delivery: every message leaves through the outbox; timers fire from the scheduler."""
