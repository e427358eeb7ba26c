#!/usr/bin/env python
"""The example Django project: `python examples/django_project/manage.py runserver`.

Then open http://127.0.0.1:8000/healthcheck/ ; `manage.py allgreen` runs the checks once.
"""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthsite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
