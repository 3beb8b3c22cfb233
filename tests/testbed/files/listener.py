#!/usr/bin/python3
"""Testbed stand-in for foreign messenger endpoints: answers on every given loopback address and port.

  listener.py PORT ADDR...        serve (each connection gets one line, then is closed)
  listener.py --probe ADDR PORT   exit 0 when something answers there
"""
import selectors
import socket
import sys

if sys.argv[1] == "--probe":
    try:
        socket.create_connection((sys.argv[2], int(sys.argv[3])), timeout=2).close()
    except OSError:
        sys.exit(1)
    sys.exit(0)

port = int(sys.argv[1])
sel = selectors.DefaultSelector()
for addr in sys.argv[2:]:
    s = socket.create_server((addr, port))
    sel.register(s, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        conn, _ = key.fileobj.accept()
        try:
            conn.sendall(b"FOREIGN-STAND-IN\n")
        except OSError:
            pass
        conn.close()
