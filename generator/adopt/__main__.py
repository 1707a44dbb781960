"""`python -m generator.adopt action|hooks`: this repository's action.yml or .pre-commit-hooks.yaml.

Both are rendered from the code `openapi-contract init` writes a repository's files with, and
tests/test_init.py fails when the committed ones are stale.
"""

import sys

from generator.adopt.hooks import render_hooks_file
from generator.adopt.workflow import render_action

RENDERERS = {"action": render_action, "hooks": render_hooks_file}

if len(sys.argv) != 2 or sys.argv[1] not in RENDERERS:
    sys.exit("usage: python -m generator.adopt action|hooks")
sys.stdout.write(RENDERERS[sys.argv[1]]())
