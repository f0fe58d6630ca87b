"""The ``gongkai`` command line: ``parse``, ``check`` and ``schema`` (see docs/cli.md)."""
