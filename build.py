#!/usr/bin/env python3
"""Build the commitments tracker: `python build.py [build|check|serve]`."""

import sys
from pathlib import Path

from tracker.cli import main

if __name__ == "__main__":
    sys.exit(main(root=Path(__file__).resolve().parent, exit_at_once=True))
