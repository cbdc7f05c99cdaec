"""The frozen app's entry point: PyInstaller runs this file as ``__main__``.

It is the same ``main`` as the ``annotator`` script and ``python -m annotator``.
"""

from __future__ import annotations

import sys

from annotator.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
