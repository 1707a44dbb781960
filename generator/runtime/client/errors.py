"""Stand-in for the package's `client/errors.py` (templates/client/errors.py.jinja): never copied.

A package's module adds one exception per documented error response; the runtime uses only the
bases re-exported here.
"""

from ._errors import ApiError as ApiError
from ._errors import SdkError as SdkError
