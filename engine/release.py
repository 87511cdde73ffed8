"""The release this code is: its version number, in the one place it is written.

hatchling reads it from here for the wheel's metadata (`[tool.hatch.version]` in pyproject.toml),
and the engine reads it as a constant, so a run never imports `importlib.metadata` or scans
`sys.path` for the installed distribution (issue 17: ~15 ms of every start).
"""

__version__ = "0.1.0"
