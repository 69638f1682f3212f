"""Registri UMKM: one YAML file of certified UMKM in, a static verification site out."""

__version__ = "0.1.0"
