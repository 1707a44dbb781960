"""Stand-in for the package's `_version.py` (templates/package/_version.py.jinja): never copied."""

__version__ = "0.0.0"
API_VERSION = "0.0.0"
