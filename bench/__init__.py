"""Benchmarks (`make bench`): measuring code only, never imported by the app."""
