"""Size limits for bank files, shared by the reader and the cache."""

MAX_BANK_BYTES = 2_000_000
"""Larger files are refused before parsing: a bank is a few hundred kB at most."""

MAX_NODES = 200_000
"""A guard against pathological documents that pass the size check."""
