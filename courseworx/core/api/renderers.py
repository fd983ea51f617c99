"""DRF renderers.

`BrowsableAPIRenderer`: DRF's HTML pages for the API, under the site's Content-Security-Policy.  DRF's own
templates use style="" attributes and a <style> element (syntax highlighting), so these pages -- and only
these -- add 'unsafe-inline' to style-src.  script-src stays 'self' (DRF's pages run no inline script) and
every value shown is HTML-escaped by DRF, so the relaxation lets nothing execute.  Copying and editing DRF's
templates instead would mean keeping a fork of them in step with every DRF release.
"""

from csp.constants import UNSAFE_INLINE
from rest_framework import renderers

BROWSABLE_API_CSP_UPDATE = {"style-src": [UNSAFE_INLINE]}


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            update = dict(getattr(response, "_csp_update", None) or {})
            for directive, sources in BROWSABLE_API_CSP_UPDATE.items():
                update[directive] = [*update.get(directive, []), *sources]
            response._csp_update = update  # read by csp.middleware.CSPMiddleware, like @csp_update
        return super().render(data, accepted_media_type, renderer_context)
