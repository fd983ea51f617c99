"""Video links -> embeddable player URLs, for allow-listed hosts only (settings.VIDEO_EMBED_HOSTS)."""

import re
from urllib.parse import parse_qs, urlparse

from django.conf import settings

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")


def _allowed(host: str) -> bool:
    return any(host == h or host.endswith("." + h) for h in settings.VIDEO_EMBED_HOSTS)


def embed_url(url: str) -> str | None:
    """https://www.youtube.com/watch?v=ID, youtu.be/ID, /embed/ID, /shorts/ID -> youtube-nocookie embed;
    vimeo.com/ID -> player.vimeo.com/video/ID.  Anything else (or any other host): None."""
    if not url:
        return None
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    if parsed.scheme != "https" or not _allowed(host):
        return None
    parts = [p for p in parsed.path.split("/") if p]
    video_id = None
    if host.endswith("youtu.be") and parts:
        video_id = parts[0]
    elif "youtube" in host:
        if parts[:1] == ["watch"]:
            video_id = (parse_qs(parsed.query).get("v") or [None])[0]
        elif len(parts) >= 2 and parts[0] in ("embed", "shorts", "live", "v"):
            video_id = parts[1]
        if video_id and _YOUTUBE_ID.match(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
        return None
    if host.endswith("youtu.be"):
        return (
            f"https://www.youtube-nocookie.com/embed/{video_id}" if video_id and _YOUTUBE_ID.match(video_id) else None
        )
    if "vimeo.com" in host:
        numeric = [p for p in parts if p.isdigit()]
        return f"https://player.vimeo.com/video/{numeric[0]}" if numeric else None
    return None
