"""Benchmarks of the toolkit against the tools a team would otherwise use (`make bench`).

Everything is measured in one run on one machine and reported as ratios against baselines
measured in that same run: generation of GitHub's REST description (ours: models, client and
server; openapi-python-client: client; datamodel-code-generator: models) with the quality of
each output (modules that fail to import, warnings logged) and of the same tools on the shared
corpus (documents whose output imports), a no-op `make generate`, import time of the generated packages, and runtime overhead of the generated
client and server stubs. Targets are printed with pass/fail marks; nothing here asserts them.
"""
