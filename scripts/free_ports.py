#!/usr/bin/env python3
# free_ports.py [COUNT]: prints, on one line, COUNT (default 1) different TCP ports nobody
# listens on now (the kernel's picks for port 0 on 127.0.0.1, all held at once so they differ),
# for the tests and benchmarks that start servers.
import socket
import sys

sockets = [socket.socket() for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 1)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))
