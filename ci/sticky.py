"""One sticky comment per pull request (GitHub) or merge request (GitLab): found by a hidden
marker in its body, created the first time, updated in place after that.

Standard library only. The token goes into one request header and nowhere else: errors name
the method, the path and the server's message, never a header.
"""
import json
import re
import urllib.error
import urllib.parse
import urllib.request

USER_AGENT = "monitorc-ci"


class ApiError(Exception):
    """A request the server refused or that did not reach it; `status` is 0 for the latter."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def marker(key):
    """The hidden line a sticky comment starts with. `key` tells apart several sticky comments
    in one pull request (one per workflow or directory); it is reduced to a safe set of
    characters so it can never end the HTML comment."""
    safe = re.sub(r"[^A-Za-z0-9_.:/-]", "_", key or "default")
    return f"<!-- monitorc-plan: {safe} -->"


class _Rest:
    """JSON over HTTP with one authentication header and Link-header pagination."""

    def __init__(self, base, auth_header, token, timeout=30):
        self.base = base.rstrip("/")
        self.auth = (auth_header, token)
        self.timeout = timeout

    def request(self, method, path, body=None):
        """(parsed JSON, response headers). Raises ApiError."""
        url = path if path.startswith("http") else self.base + path
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header(*self.auth)
        req.add_header("Accept", "application/json")
        req.add_header("User-Agent", USER_AGENT)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        shown = method + " " + urllib.parse.urlsplit(url).path  # no query, never a header
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                text = r.read().decode("utf-8", "replace")
                return (json.loads(text) if text else None), r.headers
        except urllib.error.HTTPError as e:
            raise ApiError(e.code, f"{shown}: {e.code} {_message(e)}") from None
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = getattr(e, "reason", e)
            raise ApiError(0, f"{shown}: {reason}") from None

    def pages(self, path):
        """Every item of a paginated list, following rel="next" links."""
        url = path
        while url:
            items, headers = self.request("GET", url)
            yield from items or []
            url = _next_link(headers.get("Link", ""))
            if not url and headers.get("X-Next-Page"):  # GitLab without Link (keyset off)
                sep = "&" if "?" in path else "?"
                url = f"{path}{sep}page={headers['X-Next-Page']}"


def _message(err):
    try:
        doc = json.loads(err.read().decode("utf-8", "replace"))
    except (ValueError, OSError):
        return err.reason or ""
    parts = [str(doc.get("message", ""))] if isinstance(doc, dict) else []
    for e in (doc.get("errors") or []) if isinstance(doc, dict) else []:
        parts.append(str(e.get("message", e)) if isinstance(e, dict) else str(e))
    return ": ".join(p for p in parts if p)[:500]


def _next_link(link):
    for part in link.split(","):
        m = re.match(r'\s*<([^>]+)>\s*;\s*rel="?next"?', part)
        if m:
            return m.group(1)
    return None


class GitHub:
    """Issue comments of a pull request (REST: /repos/{owner}/{repo}/issues/{n}/comments)."""

    def __init__(self, api_url, repository, number, token):
        self.rest = _Rest(api_url, "Authorization", "Bearer " + token)
        self.list_path = f"/repos/{repository}/issues/{int(number)}/comments?per_page=100"
        self.create_path = f"/repos/{repository}/issues/{int(number)}/comments"
        self.item_path = f"/repos/{repository}/issues/comments/{{id}}"
        self.update_method = "PATCH"

    def find(self, mark):
        for c in self.rest.pages(self.list_path):
            if (c.get("body") or "").startswith(mark):
                return c
        return None

    def create(self, body):
        return self.rest.request("POST", self.create_path, {"body": body})[0]

    def update(self, comment_id, body):
        return self.rest.request(self.update_method, self.item_path.format(id=int(comment_id)), {"body": body})[0]


class GitLab(GitHub):
    """Notes of a merge request (REST v4: /projects/{id}/merge_requests/{iid}/notes)."""

    def __init__(self, api_url, project, iid, token):
        self.rest = _Rest(api_url, "PRIVATE-TOKEN", token)
        base = f"/projects/{urllib.parse.quote(str(project), safe='')}/merge_requests/{int(iid)}/notes"
        self.list_path = base + "?per_page=100&sort=asc"
        self.create_path = base
        self.item_path = base + "/{id}"
        self.update_method = "PUT"


def post_sticky(client, key, body):
    """Creates the sticky comment or updates the one that holds the marker; ("created" or
    "updated", the comment). `body` must not carry the marker; it is put first."""
    mark = marker(key)
    text = mark + "\n" + body
    found = client.find(mark)
    if found is None:
        return "created", client.create(text)
    return "updated", client.update(found["id"], text)
