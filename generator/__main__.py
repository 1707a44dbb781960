import sys

# Served by the warm generator when the project keeps one (generator.entry), which imports
# nothing beyond the standard library before it knows.
from generator.entry import main

sys.exit(main())
