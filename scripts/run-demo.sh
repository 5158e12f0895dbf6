#!/bin/sh
# The demo of `make run`: database ready, report and demo people loaded, then a Celery worker with its
# beat (one process) beside the development server; stopping the server stops the worker too.
set -eu
VENV=${VENV:-.venv}
PY=$VENV/bin/python
PORT=${PORT:-8000}
mkdir -p var/celery
$PY manage.py migrate --noinput
$PY manage.py load_report
$PY manage.py load_demo
# Today's reminders at once, so that the digests show on the console without waiting for 09:00.
$PY manage.py send_reminders
$PY manage.py take_daily_counts
cat <<LINKS

  The tracker:            http://127.0.0.1:$PORT/   (regulator-staff / demo-password-2026; officers: officer-<company>)
  The public portal:      http://127.0.0.1:$PORT/public/   (no sign-in)
  The report generator:   http://127.0.0.1:$PORT/reports/   (regulator staff)
  The dashboard:          http://127.0.0.1:$PORT/dashboard/

LINKS
$VENV/bin/celery -A config worker --beat --schedule var/celerybeat-schedule --concurrency 1 --loglevel INFO &
WORKER=$!
$PY manage.py runserver --noreload "127.0.0.1:$PORT" &
SERVER=$!
# Both stop when either stops, or when this script is told to stop (Ctrl-C, SIGTERM).
trap 'kill "$WORKER" "$SERVER" 2>/dev/null; wait 2>/dev/null || true' EXIT INT TERM
wait "$SERVER"
