"""moto's S3 server, one request at a time.

moto checks a conditional write (If-None-Match: *, If-Match) and then writes, without a lock, so
under its threaded server two racing writes can both pass the check — real S3 decides them
atomically. The stores' race tests need S3's behaviour, so requests are served one at a time
(connections are still accepted concurrently). Usage: python3 serial_moto.py PORT
"""

import os
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

port = int(sys.argv[1])
os.environ.setdefault("MOTO_PORT", str(port))
app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()


def serial(environ, start_response):
    with lock:
        return list(app(environ, start_response))


run_simple("127.0.0.1", port, serial, threaded=True)
