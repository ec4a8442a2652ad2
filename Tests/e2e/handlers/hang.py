"""Writes an output, then hangs far longer than any test timeout."""
import sys
import time

import pugmark

list(pugmark.read())
pugmark.write_json({"before": "hang"}, name="before-hang")
sys.stderr.write("about to hang\n")
sys.stderr.flush()
time.sleep(60)
