"""pytest plugin of allgreen: ``pytest --allgreen allgood.py``."""
