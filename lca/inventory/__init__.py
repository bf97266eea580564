"""Readers that turn user and shipped files into validated records (nothing here writes anywhere)."""
