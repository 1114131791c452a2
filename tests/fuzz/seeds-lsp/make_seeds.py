#!/usr/bin/env python3
"""Writes the seed sessions of fuzz_lsp_framing (run again after changing them): whole client
sessions, one per file, some with bad framing between the frames."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
URI = "file:///fuzz/main.mon"
TEXT = 'import "lib.mon"\nlet warn = 75\nmonitor host "cpu" {\n  metirc = "cpu%"\n  operator = ">"\n  warning = warn\n  duration = 5m\n}\n'


def frame(msg):
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def req(i, method, params):
    return frame({"jsonrpc": "2.0", "id": i, "method": method, "params": params})


def note(method, params):
    return frame({"jsonrpc": "2.0", "method": method, "params": params})


def at(line, ch):
    return {"textDocument": {"uri": URI}, "position": {"line": line, "character": ch}}


START = req(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}}) + note("initialized", {})
OPEN = note("textDocument/didOpen", {"textDocument": {"uri": URI, "languageId": "mon", "version": 1, "text": TEXT}})
END = req(99, "shutdown", None) + note("exit", None)

SEEDS = {
    "features": START + OPEN + req(2, "textDocument/hover", at(5, 13)) + req(3, "textDocument/completion", at(3, 4))
    + req(4, "textDocument/definition", at(5, 13)) + req(5, "textDocument/documentSymbol", {"textDocument": {"uri": URI}})
    + req(6, "textDocument/formatting", {"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": True}})
    + req(7, "textDocument/codeAction", {"textDocument": {"uri": URI}, "range": {"start": {"line": 3, "character": 2},
                                         "end": {"line": 3, "character": 8}}, "context": {"diagnostics": []}}) + END,
    "edits": START + OPEN + b"".join(
        note("textDocument/didChange", {"textDocument": {"uri": URI, "version": v}, "contentChanges": [
            {"range": {"start": {"line": 3, "character": 2}, "end": {"line": 3, "character": 8}}, "text": t}]})
        for v, t in ((2, "metric"), (3, "metirc"), (4, "metric"))) + req(2, "textDocument/hover", at(1, 5))
    + note("textDocument/didChange", {"textDocument": {"uri": URI, "version": 5}, "contentChanges": [{"text": "let x = [1][2]\n"}]})
    + note("textDocument/didClose", {"textDocument": {"uri": URI}}) + END,
    "bad_framing": START + b"X" + req(2, "shutdown", None) + b"Content-Type: a\r\n\r\n{\"id\":3}" + b"\x00garbage\r\n\r\n"
    + b"Content-Length: 5\r\n\r\n{\"a\":" + b"content-length: 2\r\nContent-Length: 3\r\n\r\n{}" + b"Content-Length: -1\r\n\r\n"
    + b"Content-Length: 70000000\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"x\"}" + END,
    "bad_messages": START + frame([1, 2]) + frame({"jsonrpc": "2.0", "id": {"a": 1}, "method": "x"})
    + frame({"jsonrpc": "1.0", "id": 2, "method": "shutdown"}) + req(3, "textDocument/hover", {"position": 3})
    + req(4, "textDocument/nonsense", {}) + note("$/cancelRequest", {"id": 1}) + req(5, "initialize", {}) + END,
    "cut_short": START + OPEN + b"Content-Length: 99\r\n\r\n{\"jsonrpc\"",
}

for name, data in SEEDS.items():
    with open(os.path.join(HERE, name + ".lsp"), "wb") as f:
        f.write(data)
