Content-Length: 119

{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": null, "capabilities": {}}}Content-Length: 57

{"jsonrpc": "2.0", "method": "initialized", "params": {}}Content-Length: 299

{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": "file:///fuzz/main.mon", "languageId": "mon", "version": 1, "text": "import \"lib.mon\"\nlet warn = 75\nmonitor host \"cpu\" {\n  metirc = \"cpu%\"\n  operator = \">\"\n  warning = warn\n  duration = 5m\n}\n"}}}Content-Length: 163

{"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"textDocument": {"uri": "file:///fuzz/main.mon"}, "position": {"line": 5, "character": 13}}}Content-Length: 167

{"jsonrpc": "2.0", "id": 3, "method": "textDocument/completion", "params": {"textDocument": {"uri": "file:///fuzz/main.mon"}, "position": {"line": 3, "character": 4}}}Content-Length: 168

{"jsonrpc": "2.0", "id": 4, "method": "textDocument/definition", "params": {"textDocument": {"uri": "file:///fuzz/main.mon"}, "position": {"line": 5, "character": 13}}}Content-Length: 130

{"jsonrpc": "2.0", "id": 5, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": "file:///fuzz/main.mon"}}}Content-Length: 175

{"jsonrpc": "2.0", "id": 6, "method": "textDocument/formatting", "params": {"textDocument": {"uri": "file:///fuzz/main.mon"}, "options": {"tabSize": 2, "insertSpaces": true}}}Content-Length: 243

{"jsonrpc": "2.0", "id": 7, "method": "textDocument/codeAction", "params": {"textDocument": {"uri": "file:///fuzz/main.mon"}, "range": {"start": {"line": 3, "character": 2}, "end": {"line": 3, "character": 8}}, "context": {"diagnostics": []}}}Content-Length: 66

{"jsonrpc": "2.0", "id": 99, "method": "shutdown", "params": null}Content-Length: 52

{"jsonrpc": "2.0", "method": "exit", "params": null}