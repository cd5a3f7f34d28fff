"""Load and timing scripts for Liaison; run them by hand, they are not tests."""
