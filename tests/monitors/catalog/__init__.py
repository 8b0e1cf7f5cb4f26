"""Tests of the rogue-precursor catalog, one module per family."""
