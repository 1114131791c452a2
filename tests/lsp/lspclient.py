"""A small LSP client for tests and benchmarks: drives `monitorc lsp` over pipes."""
import json
import os
import queue
import subprocess
import threading
import time


def uri(path):
    return "file://" + os.path.abspath(path)


class Client:
    def __init__(self, binary, stderr=subprocess.DEVNULL, args=()):
        self.proc = subprocess.Popen([binary, "lsp", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
        self.messages = queue.Queue()
        self.pending = []  # messages read but not yet consumed
        self.next_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            body = out.read(length)
            self.messages.put((time.perf_counter(), json.loads(body)))

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params=None):
        self.send({"jsonrpc": "2.0", "method": method, "params": params if params is not None else {}})

    def request_async(self, method, params=None):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params if params is not None else {}})
        return self.next_id

    def wait_for(self, pred, timeout=10.0):
        """Returns (time, message) for the first message matching pred, keeping the others."""
        for i, (t, m) in enumerate(self.pending):
            if pred(m):
                del self.pending[i]
                return t, m
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching message within %.1fs" % timeout)
            try:
                item = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if item is None:
                raise EOFError("the server closed its output")
            if pred(item[1]):
                return item
            self.pending.append(item)

    def response(self, rid, timeout=10.0):
        return self.wait_for(lambda m: m.get("id") == rid and "method" not in m, timeout)[1]

    def request(self, method, params=None, timeout=10.0):
        return self.response(self.request_async(method, params), timeout)

    def diagnostics(self, doc_uri, version=None, timeout=10.0):
        def match(m):
            if m.get("method") != "textDocument/publishDiagnostics" or m["params"]["uri"] != doc_uri:
                return False
            return version is None or m["params"].get("version") == version
        return self.wait_for(match, timeout)

    def drain(self, delay=0.2):
        time.sleep(delay)
        while True:
            try:
                item = self.messages.get_nowait()
            except queue.Empty:
                return
            if item is not None:
                self.pending.append(item)

    def initialize(self, root):
        r = self.request("initialize", {"processId": os.getpid(), "rootUri": uri(root), "capabilities": {}})
        self.notify("initialized")
        return r

    def close(self, timeout=10.0):
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        return self.proc.wait(timeout)
