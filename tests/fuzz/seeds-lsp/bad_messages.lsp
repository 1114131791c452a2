Content-Length: 119

{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": null, "capabilities": {}}}Content-Length: 57

{"jsonrpc": "2.0", "method": "initialized", "params": {}}Content-Length: 6

[1, 2]Content-Length: 49

{"jsonrpc": "2.0", "id": {"a": 1}, "method": "x"}Content-Length: 49

{"jsonrpc": "1.0", "id": 2, "method": "shutdown"}Content-Length: 86

{"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": {"position": 3}}Content-Length: 76

{"jsonrpc": "2.0", "id": 4, "method": "textDocument/nonsense", "params": {}}Content-Length: 68

{"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 1}}Content-Length: 65

{"jsonrpc": "2.0", "id": 5, "method": "initialize", "params": {}}Content-Length: 66

{"jsonrpc": "2.0", "id": 99, "method": "shutdown", "params": null}Content-Length: 52

{"jsonrpc": "2.0", "method": "exit", "params": null}