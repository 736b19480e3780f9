"""Ingest: files -> cleaned documents -> chunks -> the index on disk."""
