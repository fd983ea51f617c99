#!/bin/sh
# Run manage.py of this release with the production environment, as the service user:
#   runuser -u courseworx -- /srv/courseworx/current/deploy/manage.sh migrate
# COURSEWORX_ENV_FILE overrides the environment file (default /etc/courseworx/courseworx.env).
set -eu
ENV_FILE=${COURSEWORX_ENV_FILE:-/etc/courseworx/courseworx.env}
APP=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -r "$ENV_FILE" ]; then
  echo "Cannot read $ENV_FILE (run as the courseworx user, or set COURSEWORX_ENV_FILE)." >&2
  exit 1
fi
set -a
. "$ENV_FILE"
set +a
exec "$APP/.venv/bin/python" "$APP/manage.py" "$@"
