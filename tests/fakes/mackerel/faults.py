"""Fault injection armed by tests through POST /_fault.

Each POST adds one rule, so a test can queue e.g. a 429 for POSTs and a
dropped connection for PUTs. A rule's action (status / drop_connection /
lose_response_after_commit) fires on the next `count` matching requests and is
then used up; its latency applies to every matching request until
DELETE /_fault, so a test can slow a whole apply run down.
"""
import threading

ACTIONS = ("status", "drop_connection", "lose_response_after_commit")
KNOWN_KEYS = {"latency_ms", "status", "retry_after", "count", "methods",
              "path_prefix", *ACTIONS}


def parse_rule(spec):
    """Validate a POST /_fault body; raise ValueError with a message."""
    if not isinstance(spec, dict):
        raise ValueError("fault must be a JSON object")
    unknown = set(spec) - KNOWN_KEYS
    if unknown:
        raise ValueError(f"unknown fault keys: {sorted(unknown)}")
    rule = {
        "latency_ms": spec.get("latency_ms", 0),
        "status": spec.get("status"),
        "retry_after": spec.get("retry_after"),
        "count": spec.get("count", 1),
        "methods": [m.upper() for m in spec.get("methods") or []],
        "path_prefix": spec.get("path_prefix", "/api/v0"),
        "drop_connection": bool(spec.get("drop_connection")),
        "lose_response_after_commit": bool(spec.get("lose_response_after_commit")),
    }
    if not isinstance(rule["latency_ms"], (int, float)) or rule["latency_ms"] < 0:
        raise ValueError("latency_ms must be a number >= 0")
    if rule["status"] is not None and (not isinstance(rule["status"], int)
                                       or not 400 <= rule["status"] <= 599):
        raise ValueError("status must be an integer between 400 and 599")
    if not isinstance(rule["count"], int) or rule["count"] < 1:
        raise ValueError("count must be an integer >= 1")
    if not isinstance(rule["path_prefix"], str):
        raise ValueError("path_prefix must be a string")
    actions = [a for a in ACTIONS if rule[a] not in (None, False)]
    if len(actions) > 1:
        raise ValueError(f"only one of {ACTIONS} per fault")
    if not actions and not rule["latency_ms"]:
        raise ValueError("a fault needs latency_ms or one of " + ", ".join(ACTIONS))
    rule["action"] = actions[0] if actions else None
    rule["remaining"] = rule["count"] if actions else 0
    return rule


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []

    def arm(self, spec):
        rule = parse_rule(spec)
        with self.lock:
            self.rules.append(rule)
        return dict(rule)

    def clear(self):
        with self.lock:
            self.rules = []

    def list(self):
        with self.lock:
            return [dict(r) for r in self.rules]

    @staticmethod
    def _matches(rule, method, path):
        return ((not rule["methods"] or method in rule["methods"])
                and path.startswith(rule["path_prefix"]))

    def latency(self, method, path):
        """Seconds to sleep before handling this request (largest match)."""
        with self.lock:
            delays = [r["latency_ms"] for r in self.rules if self._matches(r, method, path)]
        return max(delays, default=0) / 1000.0

    def take(self, method, path):
        """Consume and return the first matching armed action, or None."""
        with self.lock:
            for rule in self.rules:
                if rule["remaining"] > 0 and self._matches(rule, method, path):
                    rule["remaining"] -= 1
                    if rule["remaining"] == 0 and not rule["latency_ms"]:
                        self.rules.remove(rule)
                    return dict(rule)
        return None
