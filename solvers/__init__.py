"""NumPy reference implementations: the source of truth for every number quizapp shows.

This package imports nothing from quizapp.
"""
