"""Helpers for the client SDK tests: a scripted local HTTP server and typed usage files."""
