"""The only package that imports redis. Every key is built in keys.py."""
