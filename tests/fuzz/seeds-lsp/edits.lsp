Content-Length: 119

{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": null, "capabilities": {}}}Content-Length: 57

{"jsonrpc": "2.0", "method": "initialized", "params": {}}Content-Length: 299

{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": "file:///fuzz/main.mon", "languageId": "mon", "version": 1, "text": "import \"lib.mon\"\nlet warn = 75\nmonitor host \"cpu\" {\n  metirc = \"cpu%\"\n  operator = \">\"\n  warning = warn\n  duration = 5m\n}\n"}}}Content-Length: 255

{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///fuzz/main.mon", "version": 2}, "contentChanges": [{"range": {"start": {"line": 3, "character": 2}, "end": {"line": 3, "character": 8}}, "text": "metric"}]}}Content-Length: 255

{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///fuzz/main.mon", "version": 3}, "contentChanges": [{"range": {"start": {"line": 3, "character": 2}, "end": {"line": 3, "character": 8}}, "text": "metirc"}]}}Content-Length: 255

{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///fuzz/main.mon", "version": 4}, "contentChanges": [{"range": {"start": {"line": 3, "character": 2}, "end": {"line": 3, "character": 8}}, "text": "metric"}]}}Content-Length: 162

{"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"textDocument": {"uri": "file:///fuzz/main.mon"}, "position": {"line": 1, "character": 5}}}Content-Length: 180

{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///fuzz/main.mon", "version": 5}, "contentChanges": [{"text": "let x = [1][2]\n"}]}}Content-Length: 115

{"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": "file:///fuzz/main.mon"}}}Content-Length: 66

{"jsonrpc": "2.0", "id": 99, "method": "shutdown", "params": null}Content-Length: 52

{"jsonrpc": "2.0", "method": "exit", "params": null}