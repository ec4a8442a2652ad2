"""Writes an output, then exits with status 3 after a message on stderr."""
import sys

import pugmark

list(pugmark.read())
pugmark.write_json({"partial": True}, name="partial")
sys.stderr.write("giving up with status three\n")
sys.exit(3)
