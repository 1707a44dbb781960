import sys

# Served by the warm generator when the project keeps one (generator.warm_client), which
# imports nothing beyond the standard library before it knows.
from generator.warm_client import main

sys.exit(main())
