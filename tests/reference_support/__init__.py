"""Shared fixtures for the server-stub and reference-implementation tests."""
