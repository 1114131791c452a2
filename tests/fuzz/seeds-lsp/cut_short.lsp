Content-Length: 119

{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": null, "capabilities": {}}}Content-Length: 57

{"jsonrpc": "2.0", "method": "initialized", "params": {}}Content-Length: 299

{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": "file:///fuzz/main.mon", "languageId": "mon", "version": 1, "text": "import \"lib.mon\"\nlet warn = 75\nmonitor host \"cpu\" {\n  metirc = \"cpu%\"\n  operator = \">\"\n  warning = warn\n  duration = 5m\n}\n"}}}Content-Length: 99

{"jsonrpc"