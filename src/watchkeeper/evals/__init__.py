"""Evaluation: red-team corpora, trajectory replay and detection metrics."""
