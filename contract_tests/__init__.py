"""Schemathesis contract tests of the reference ServiceAi backend against spec/openapi.yaml."""

import pytest

# The scenarios assert outside test modules: let pytest explain those assertions too.
pytest.register_assert_rewrite("contract_tests.scenarios", "contract_tests.support")
