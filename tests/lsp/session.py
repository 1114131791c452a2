#!/usr/bin/env python3
"""End-to-end test of `monitorc lsp` over pipes: a full editor session (open, edit with errors,
fix, hover, complete, definition, symbols, format, code action, shutdown/exit) and malformed
input (bad framing, bad JSON, unknown methods, out-of-range positions), asserting responses.

usage: session.py MONITORC
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lspclient import Client, uri  # noqa: E402

MAIN = '''import "common/lib.mon"

let base = { warn = 75 }
let warn_at = base.warn

monitor host "cpu" {
  metirc = "cpu%"
  operator = ">"
  warning = warn_at
  duration = 5m
}

use disk_full("svc:web")

dashboard "Overview" {
  url_path = "web/overview"
  row {
    graph "CPU" { role = "svc:web"  metric = "cpu" }
  }
}
'''

LIB = '''# Disk almost full on one role.
template disk_full(scope, crit = 90) {
  monitor host "disk ${scope}" {
    metric = "disk%"
    operator = ">"
    critical = crit
    duration = 5m
    scopes = [scope]
  }
}
let broken = [1, 2][3]
'''

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def pos(line, character):
    return {"line": line, "character": character}


def at(doc, line, character):
    return {"textDocument": {"uri": doc}, "position": pos(line, character)}


def session(binary, root):
    main_path = os.path.join(root, "main.mon")
    lib_path = os.path.join(root, "common", "lib.mon")
    doc, lib = uri(main_path), uri(lib_path)
    c = Client(binary)

    # Requests before initialize get ServerNotInitialized.
    check(c.request("textDocument/hover", at(doc, 0, 0))["error"]["code"] == -32002, "request before initialize")
    init = c.initialize(root)
    caps = init["result"]["capabilities"]
    check(caps["textDocumentSync"]["change"] == 2, "incremental sync")
    for cap in ("hoverProvider", "completionProvider", "definitionProvider", "documentSymbolProvider",
                "documentFormattingProvider", "codeActionProvider"):
        check(cap in caps, "capability " + cap)

    # Open: diagnostics for the file and, separately, for the imported file.
    c.notify("textDocument/didOpen", {"textDocument": {"uri": doc, "languageId": "mon", "version": 1, "text": MAIN}})
    _, m = c.diagnostics(doc, 1)
    diags = m["params"]["diagnostics"]
    codes = [d["code"] for d in diags]
    check(codes == ["err_unknown_field", "err_missing_field"], "diagnostics on open: %s" % codes)
    check(diags[0]["range"] == {"start": pos(6, 2), "end": pos(6, 8)}, "range of the unknown field")
    _, m = c.diagnostics(lib)
    check([d["code"] for d in m["params"]["diagnostics"]] == ["err_index_out_of_range"], "imported file diagnostics")
    check(m["params"]["diagnostics"][0]["range"]["start"] == pos(10, 20), "imported file range")

    # The did-you-mean fix-it as a code action, applied as an incremental edit.
    r = c.request("textDocument/codeAction", {"textDocument": {"uri": doc}, "range": diags[0]["range"],
                                              "context": {"diagnostics": diags}})
    actions = r["result"]
    check(len(actions) == 1 and actions[0]["title"] == "Change to 'metric'", "code action: %s" % actions)
    edit = actions[0]["edit"]["changes"][doc][0]
    c.notify("textDocument/didChange", {"textDocument": {"uri": doc, "version": 2},
                                        "contentChanges": [{"range": edit["range"], "text": edit["newText"]}]})
    _, m = c.diagnostics(doc, 2)
    check(m["params"]["diagnostics"] == [], "fixed: %s" % m["params"]["diagnostics"])

    # Break it with a half-typed block, then complete inside it.
    c.notify("textDocument/didChange", {"textDocument": {"uri": doc, "version": 3}, "contentChanges": [
        {"range": {"start": pos(20, 0), "end": pos(20, 0)}, "text": 'monitor external "site" {\n  dualstack = \n  url'}]})
    _, m = c.diagnostics(doc, 3)
    check(len(m["params"]["diagnostics"]) > 0, "half-typed source has diagnostics")
    items = c.request("textDocument/completion", at(doc, 22, 5))["result"]["items"]
    check([i["label"] for i in items] == ["url"], "field completion in a half-typed block: %s" % [i["label"] for i in items])
    items = c.request("textDocument/completion", at(doc, 21, 14))["result"]["items"]
    labels = [i["label"] for i in items]
    check(labels[:3] == ["ipv4", "ipv6", "auto"], "enum completion: %s" % labels)
    items = c.request("textDocument/completion", at(doc, 0, 8))["result"]["items"]  # import "|common/lib.mon"
    check([i["label"] for i in items] == ["common/"], "import path completion: %s" % [i["label"] for i in items])
    items = c.request("textDocument/completion", at(doc, 0, 15))["result"]["items"]  # import "common/|lib.mon"
    check([i["label"] for i in items] == ["lib.mon", "other.mon"], "import path completion in a folder: %s" % items)

    # Full sync back to the fixed text.
    fixed = MAIN.replace("metirc", "metric")
    c.notify("textDocument/didChange", {"textDocument": {"uri": doc, "version": 4}, "contentChanges": [{"text": fixed}]})
    _, m = c.diagnostics(doc, 4)
    check(m["params"]["diagnostics"] == [], "full sync fixed")

    h = c.request("textDocument/hover", at(doc, 9, 4))["result"]
    check("**duration** (host monitor)" in h["contents"]["value"] and "range: 1 to 10" in h["contents"]["value"], "field hover")
    h = c.request("textDocument/hover", at(doc, 8, 14))["result"]
    check("value: `75`" in h["contents"]["value"], "let hover: %s" % h)
    h = c.request("textDocument/hover", at(doc, 12, 6))["result"]
    check("template disk_full(scope, crit = 90)" in h["contents"]["value"], "template hover")

    d = c.request("textDocument/definition", at(doc, 12, 6))["result"]
    check(d == [{"uri": lib, "range": {"start": pos(1, 9), "end": pos(1, 18)}}], "template definition: %s" % d)
    d = c.request("textDocument/definition", at(doc, 8, 14))["result"]
    check(d and d[0]["uri"] == doc and d[0]["range"]["start"] == pos(3, 4), "let definition")
    d = c.request("textDocument/definition", at(doc, 0, 12))["result"]
    check(d and d[0]["uri"] == lib, "import definition")

    s = c.request("textDocument/documentSymbol", {"textDocument": {"uri": doc}})["result"]
    check([x["name"] for x in s] == ["base", "warn_at", "cpu", "Overview"], "symbols: %s" % [x["name"] for x in s])
    check(s[3]["children"][0]["children"][0]["name"] == "CPU", "widget as child of the row")

    f = c.request("textDocument/formatting", {"textDocument": {"uri": doc}, "options": {"tabSize": 2, "insertSpaces": True}})
    check("result" in f and isinstance(f["result"], list), "formatting answers with edits")

    # Malformed input: the server answers and carries on.
    c.send_raw(b"Content-Length: 9\r\n\r\n{\"broken\"")
    check(c.wait_for(lambda m: m.get("error", {}).get("code") == -32700)[1]["id"] is None, "invalid JSON")
    c.send_raw(b"Content-Type: nothing\r\n\r\n")
    check(c.wait_for(lambda m: m.get("error", {}).get("code") == -32700)[1]["id"] is None, "missing Content-Length")
    c.send({"jsonrpc": "2.0", "id": "x1", "method": "workspace/unknownThing", "params": {}})
    check(c.response("x1")["error"]["code"] == -32601, "unknown request")
    c.notify("$/unknownNotification", {"a": 1})
    c.send({"id": "x2", "method": "textDocument/hover", "params": at(doc, 0, 0)})
    check(c.response("x2")["error"]["code"] == -32600, "missing jsonrpc version")
    c.send({"jsonrpc": "2.0", "id": "x3", "method": "textDocument/hover", "params": {"textDocument": {"uri": doc}}})
    check(c.response("x3")["error"]["code"] == -32602, "missing position")
    r = c.request("textDocument/hover", at(doc, 100000, 100000))
    check("result" in r and r["result"] is None, "out-of-range hover")
    r = c.request("textDocument/completion", at(doc, -5, 3))
    check("result" in r, "negative position")
    c.send_raw(b"\x00\xff garbage without a header\r\n\r\n")
    c.wait_for(lambda m: m.get("error", {}).get("code") == -32700)
    check(c.request("textDocument/hover", at(doc, 9, 4))["result"] is not None, "still serving after bad input")

    c.notify("textDocument/didClose", {"textDocument": {"uri": doc}})
    _, m = c.diagnostics(doc)
    check(m["params"]["diagnostics"] == [], "close clears the document's diagnostics")
    _, m = c.diagnostics(lib)
    check(m["params"]["diagnostics"] == [], "close clears diagnostics of imported files")

    r = c.request("shutdown")
    check("result" in r and r["result"] is None, "shutdown")
    check(c.request("textDocument/hover", at(doc, 0, 0))["error"]["code"] == -32600, "request after shutdown")
    c.notify("exit")
    check(c.proc.wait(10) == 0, "exit after shutdown returns 0")


def abrupt(binary):
    # End of input without shutdown: exit status 1, no crash.
    c = Client(binary)
    c.initialize(".")
    c.send_raw(b"Content-Length: 99999\r\n\r\n{\"jsonrpc\"")  # cut short
    check(c.close() == 1, "end of input without shutdown returns 1")
    # Random bytes: still alive and answering afterwards.
    import random
    rnd = random.Random(4)
    c = Client(binary)
    c.initialize(".")
    for _ in range(50):
        c.send_raw(bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 200))) + b"\r\n\r\n")
    body = b'{"jsonrpc":"2.0","id":"alive","method":"shutdown"}'
    c.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    c.drain(0.5)
    check(c.proc.poll() is None, "alive after random bytes")
    c.close()


def compiler_refuses_fifos(binary, root):
    """True when `monitorc check` refuses a FIFO import rather than waiting on it (bounded
    reads in the compiler's loader); a check that hangs is killed after a few seconds."""
    probe = os.path.join(root, "probe.mon")
    with open(probe, "w") as f:
        f.write('import "pipe.mon"\n')
    try:
        subprocess.run([binary, "check", probe], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=5)
        return True
    except subprocess.TimeoutExpired:
        return False


def hostile_files(binary, root):
    """Imports that cannot be read as source: a directory and a FIFO (and /dev/zero once the
    loader reads only regular files). The server answers requests throughout and reports the
    imports it can."""
    os.mkdir(os.path.join(root, "adir"))
    os.mkfifo(os.path.join(root, "pipe.mon"))
    main_dir, main_fifo = os.path.join(root, "dir.mon"), os.path.join(root, "fifo.mon")
    c = Client(binary)
    c.initialize(root)
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(main_dir), "languageId": "mon", "version": 1,
                                                       "text": 'import "adir"\nlet a = 1\n'}})
    _, m = c.diagnostics(uri(main_dir), 1)
    messages = [d["message"] for d in m["params"]["diagnostics"]]
    check(len(messages) == 1 and "is a directory" in messages[0], "import of a directory: %s" % messages)

    # The compile of this one waits on the FIFO (until the loader refuses FIFOs): requests are
    # answered all the same, without its analysis.
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(main_fifo), "languageId": "mon", "version": 1,
                                                       "text": 'import "pipe.mon"\nlet a = 1\n'}})
    r = c.request("textDocument/hover", at(uri(main_fifo), 1, 4))
    check("result" in r, "hover answered while a FIFO import is pending: %s" % r)
    r = c.request("textDocument/formatting", {"textDocument": {"uri": uri(main_fifo)}, "options": {}})
    check("result" in r, "formatting answered while a FIFO import is pending")
    if compiler_refuses_fifos(binary, root):
        _, m = c.diagnostics(uri(main_fifo), 1)
        messages = [d["message"] for d in m["params"]["diagnostics"]]
        check(len(messages) == 1 and "not a regular file" in messages[0], "import of a FIFO: %s" % messages)
        main_zero = os.path.join(root, "zero.mon")
        c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(main_zero), "languageId": "mon", "version": 1,
                                                           "text": 'import "/dev/zero"\n'}})
        _, m = c.diagnostics(uri(main_zero), 1)
        messages = [d["message"] for d in m["params"]["diagnostics"]]
        check(len(messages) == 1 and "not a regular file" in messages[0], "import of /dev/zero: %s" % messages)
    else:
        print("note: the loader still waits on FIFOs; the FIFO and /dev/zero diagnostics are not checked")
        try:  # let the waiting compile go on: a writer that closes at once gives it an empty file
            os.close(os.open(os.path.join(root, "pipe.mon"), os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass
    r = c.request("shutdown")
    check("result" in r and r["result"] is None, "shutdown with hostile imports")
    c.notify("exit")
    check(c.proc.wait(10) == 0, "exit with hostile imports")


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="lsp-session-") as root:
        os.makedirs(os.path.join(root, "common"))
        with open(os.path.join(root, "main.mon"), "w") as f:
            f.write(MAIN)
        with open(os.path.join(root, "common", "lib.mon"), "w") as f:
            f.write(LIB)
        with open(os.path.join(root, "common", "other.mon"), "w") as f:
            f.write("")
        session(binary, root)
    with tempfile.TemporaryDirectory(prefix="lsp-hostile-") as root:
        hostile_files(binary, root)
    abrupt(binary)
    if failures:
        sys.exit("%d check(s) failed" % len(failures))
    print("lsp session: all checks passed")


if __name__ == "__main__":
    main()
