FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# PyICU (needed by followthemoney, for the officials' FollowTheMoney export) builds
# against ICU.
RUN apt-get update && apt-get install -y --no-install-recommends build-essential pkg-config libicu-dev \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN useradd --system casetracker && mkdir -p /data/evidence && chown casetracker /data/evidence
USER casetracker
EXPOSE 8000
