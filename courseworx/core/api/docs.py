"""The API documentation pages under the site's Content-Security-Policy (settings.CONTENT_SECURITY_POLICY).

- Swagger UI (`/api/docs/`): drf-spectacular's `SpectacularSwaggerSplitView` serves its start-up script from
  a URL (`?script`) instead of inline, and templates/drf_spectacular/swagger_ui.html moves the inline style
  into a static file: the page runs under the strict site policy, unchanged.
- ReDoc (`/api/redoc/`): ReDoc's bundled CSS and its styled-components write styles into `<style>` elements
  created at run time, before any option of ours can give them a nonce (its `nonce` option arrives too late
  for them), so this page alone allows inline *styles*: `style-src 'self' 'unsafe-inline'`.  Scripts stay
  `'self'` only, and the page shows nothing but our own OpenAPI schema.  Its search runs in a Web Worker
  made from a `blob:` URL, allowed by `worker-src` on this page only.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView

REDOC_CSP_UPDATE = {"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}


@method_decorator(csp_update(REDOC_CSP_UPDATE), name="get")
class RedocView(SpectacularRedocView):
    """drf-spectacular's ReDoc page with the CSP relaxed for ReDoc's run-time styles (module docstring)."""
