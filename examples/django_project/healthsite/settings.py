"""Settings of the example Django project: the smallest project that serves allgreen."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "example-only-not-secret"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = ["allgreen.django"]
ROOT_URLCONF = "healthsite.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True

# The checks of the bundled example; every key is optional (see the README).
ALLGREEN = {
    "CONFIG_PATH": BASE_DIR.parent / "allgood.py",
    "APP_NAME": "django-example",
}
