"""Parsing and figures for plot.py."""
