"""Writes a valid output, then a line on stdout that is not an output record; exits 0."""
import sys

import pugmark

list(pugmark.read())
pugmark.write_json({"before": "the invalid line"}, name="valid-first")
sys.stdout.write("this is not a JSON output record\n")
sys.stdout.flush()
