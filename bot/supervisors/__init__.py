"""Supervisors: the figures, the digests and the export, all from one figures layer."""
