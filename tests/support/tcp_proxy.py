"""A local TCP proxy that can go silent: a database that is reachable but stops answering.

While frozen it keeps every connection open and accepts new ones, but forwards nothing in
either direction, exactly what a hung server or a partitioned network looks like to a client
(no reset, no error: just silence).
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading


class SilentableProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._frozen = threading.Event()
        self._stopped = threading.Event()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []

    def freeze(self) -> None:
        """From now on nothing is forwarded; connections stay open."""
        self._frozen.set()

    def thaw(self) -> None:
        self._frozen.clear()

    def __enter__(self) -> SilentableProxy:
        self._spawn(self._accept)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()
        for sock in [self._listener, *self._sockets]:
            with contextlib.suppress(OSError):
                sock.close()
        for thread in self._threads:
            thread.join(timeout=2)

    def _spawn(self, target, *args) -> None:  # type: ignore[no-untyped-def]
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept(self) -> None:
        self._listener.settimeout(0.1)
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self._sockets.append(client)
            if self._frozen.is_set():
                continue  # accepted, never answered
            upstream = socket.create_connection(self._target)
            self._sockets.append(upstream)
            self._spawn(self._pump, client, upstream)

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, client)
        try:
            while not self._stopped.is_set():
                if self._frozen.is_set():
                    self._stopped.wait(0.05)  # hold everything, read nothing
                    continue
                for key, _ in selector.select(timeout=0.05):
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    data = source.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            selector.close()
