"""The book's machinery: build, command line, re-execution, benchmarks and Sphinx extensions.

It imports :mod:`tokenpower`; :mod:`tokenpower` never imports it. Changing a file here does not
change the build's execution-cache key, so it does not re-execute the chapters.
"""
