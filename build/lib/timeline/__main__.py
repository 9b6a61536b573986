import gc
import sys

from .cli import main

code = main()
# The interpreter's last garbage collections took ~0.2 s of a 4 s deck command
# (pandas' and pandera's objects): leave them to the OS. atexit still runs, so
# Chrome is still closed.
gc.freeze()
sys.exit(code)
