# The application image: docker-compose.yml runs it as web (gunicorn), worker, beat and the migration step.
# Debian trixie, pinned: its PostgreSQL client is 17, the major of the compose database (postgres:17), so that
# pg_dump and pg_restore (`manage.py backup`, `manage.py restore`) match the server.
FROM python:3.11-slim-trixie

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONPATH=/app

RUN apt-get update \
    && apt-get install --yes --no-install-recommends postgresql-client-17 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# The dependencies exactly as uv.lock has them, each file checked against its hash (no development tools, no
# private PostgreSQL). The application itself runs from its source tree: the settings find the templates, static
# files, message catalogues (compiled .mo files are committed) and the report's data beside the code.
COPY pyproject.toml uv.lock ./
RUN pip install uv==0.13.9 \
    && uv export --quiet --frozen --no-dev --no-emit-project --format requirements-txt --output-file /tmp/requirements.txt \
    && pip install --require-hashes --no-deps -r /tmp/requirements.txt \
    && pip uninstall --yes uv \
    && rm /tmp/requirements.txt
COPY . .

# Hashed, compressed static files for whitenoise. The settings refuse to load without a SECRET_KEY, so this one
# step gets a throwaway one; it is not kept in the image.
RUN SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput

# What the containers may write: the evidence files, the access log's checkpoints and beat's schedule (volumes in
# docker-compose.yml, which take this ownership when first created). The code itself stays read-only to the application.
RUN mkdir -p /var/lib/compliance/evidence /var/lib/compliance/checkpoints /var/lib/compliance/beat \
    && chown -R app:app /var/lib/compliance

USER app
EXPOSE 8000
CMD ["python", "-m", "gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
