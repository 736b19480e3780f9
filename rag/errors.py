"""The exceptions lawqa raises on purpose, translated once at each edge.

    LawqaError                 base; its message is shown to the user as is
    ├── InputError             bad question, parameter or file given by the user
    ├── DocumentError          a source file that cannot be read or decoded
    ├── IndexError_            index missing, half-written or built differently
    └── GenerationError        the optional language-model endpoint failed (the answer falls back)

The CLI prints the message and exits 1; the HTTP API maps InputError to 422,
a missing index to 503 and the rest to 400. Messages say the fix.
"""

from __future__ import annotations


class LawqaError(Exception):
    """Base class: anything lawqa reports to a user instead of a traceback."""


class InputError(LawqaError):
    """A question, option or path given by the user is not acceptable."""


class DocumentError(LawqaError):
    """A source document cannot be read, decoded or parsed."""


class IndexStateError(LawqaError):
    """The on-disk index is missing, incomplete, or does not match the settings."""


class GenerationError(LawqaError):
    """The language-model endpoint timed out, failed or replied in a shape that cannot be read."""
