"""Content negotiation of the endpoints that answer a file: the file, whatever format or media type is asked for."""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation


class FileNegotiation(DefaultContentNegotiation):
    """A file endpoint answers its file whatever `?format=` or Accept says, and its errors as JSON problem details.

    So `?format=csv` on a download is checked against the person's scope and logged like the plain download, instead
    of answering 404 before either.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
