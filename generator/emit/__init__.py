"""Emitters: each turns the intermediate model into files (path -> text); none reads the spec."""
