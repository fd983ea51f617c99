"""HTTP byte ranges (RFC 9110 §14) for private files served by a view: a <video> or <audio> element asks
for `Range: bytes=N-` to seek, and without a 206 answer the browser cannot jump ahead in a lesson.

One range per request (what media players ask for); a request with several ranges, an unparsable
header or an `If-Range` (our private files carry no validators) gets the whole file, as the RFC allows.
"""

from __future__ import annotations

import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """(first, last) byte positions, inclusive; None: serve the whole file; False: not satisfiable."""
    match = _RANGE.match((header or "").strip())
    if not match or not (match[1] or match[2]):
        return None
    if not match[1]:  # a suffix: the last N bytes
        length = int(match[2])
        if length == 0:
            return False
        return max(size - length, 0), size - 1
    first = int(match[1])
    if match[2] and int(match[2]) < first:
        return None  # invalid: ignored
    if first >= size:
        return False
    return first, min(int(match[2]) if match[2] else size - 1, size - 1)


def _chunks(file, first: int, length: int):
    try:
        file.seek(first)
        while length > 0:
            data = file.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        file.close()


def ranged_file_response(request, field_file, *, content_type: str, filename: str, as_attachment: bool):
    """A FileResponse for `field_file`, or its 206 part when the request asks for one byte range."""
    size = field_file.size
    wanted = None
    if request.method == "GET" and "HTTP_RANGE" in request.META and "HTTP_IF_RANGE" not in request.META:
        wanted = parse_range(request.META["HTTP_RANGE"], size)
    if wanted is False:
        response = HttpResponse(b"Requested range not satisfiable.", status=416, content_type="text/plain")
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is None:
        response = FileResponse(
            field_file.open("rb"), as_attachment=as_attachment, filename=filename, content_type=content_type
        )
    else:
        first, last = wanted
        length = last - first + 1
        response = StreamingHttpResponse(
            _chunks(field_file.open("rb"), first, length), status=206, content_type=content_type
        )
        response["Content-Length"] = str(length)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["Accept-Ranges"] = "bytes"
    return response
