"""The text of the plan comment: a summary table over every target first, then monitorc's own
markdown (a section per target, each change collapsed), then where the whole plan is. It fits the
platform's limit by construction: monitorc renders the sections into whatever room the head and
foot leave, and a comment that would still not fit is replaced by a short one that says so.
"""

GITHUB_LIMIT = 65536  # characters in a comment; counted here in UTF-8 bytes, never fewer


def cell(text):
    """User text (a target name) for a table cell: HTML-escaped, '|' as an entity, one line."""
    out = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    out = out.replace("|", "&#124;").replace("\r", " ").replace("\n", " ")
    return "<code>" + out + "</code>"


def fence(text):
    """`text` in a fenced block no line of it can close."""
    run = longest = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    f = "`" * max(3, longest + 1)
    return f"{f}text\n{text}\n{f}\n"


COLUMNS = ("create", "update", "adopt", "delete", "no_change")


def summary_table(plans):
    rows = ["| target | create | update | adopt | delete | unchanged |", "|---|---:|---:|---:|---:|---:|"]
    for p in plans:
        t = p.get("target", {})
        s = p.get("summary", {})
        rows.append(f"| {cell(t.get('kind', ''))} {cell(t.get('name', ''))} | " +
                    " | ".join(str(int(s.get(c, 0))) for c in COLUMNS) + " |")
    return "\n".join(rows) + "\n"


def title(command, status, plans):
    changed = sum(1 for p in plans if p.get("has_changes"))
    if status not in (0, 2):
        return "## monitorc plan failed"
    if changed:
        return f"## monitorc plan: changes in {changed} of {len(plans)} target(s)"
    return f"## monitorc plan: no changes ({len(plans)} target(s))"


def build(plans, status, render, context, limit=GITHUB_LIMIT, reserve=0):
    """The comment body (without the marker, which takes `reserve` bytes).

    plans    the plan documents (`monitorc plan --format json`), possibly fewer than asked for
             when a target failed
    status   monitorc's exit status (0, 2 changes; anything else an error)
    render   render(max_bytes) -> monitorc's markdown of the plans within max_bytes
    context  dict: commit, run_url, artifact_url, artifact_name, errors (stderr of a failed plan)
    """
    head = title("plan", status, plans) + "\n\n"
    if plans:
        head += summary_table(plans) + "\n"
    if status not in (0, 2) and context.get("errors"):
        errors = context["errors"][-6000:]
        head += "monitorc reported:\n\n" + fence(errors) + "\n"
    where = artifact_line(context)
    foot = "\n---\n" + footer(context) + "\n"
    room = limit - reserve - len(head.encode()) - len(foot.encode()) - len(where.encode()) - 256
    body = render(room) if plans and room > 1000 else ""
    shortened = "Shortened to fit" in body
    text = head + body + ("\n" + where if (shortened or not body) and plans else "") + foot
    if len(text.encode()) + reserve <= limit:
        return text
    # Not reached with monitorc's own markdown; kept so a comment is never refused.
    return head[: max(0, limit // 2)] + "\n> **The plan does not fit in a comment.** " + where + foot


def artifact_line(context):
    name = context.get("artifact_name") or "monitorc-plan"
    url = context.get("artifact_url")
    link = f"[{name}]({url})" if url else f"**{name}**"
    return (f"> **The whole plan** (every change in detail) is in the run's artifact {link}: "
            "`plan.md` to read, `plan.json` for `monitorc show`.\n")


def footer(context):
    parts = []
    if context.get("commit"):
        parts.append("commit `" + context["commit"][:12] + "`")
    if context.get("run_url"):
        parts.append(f"[workflow run]({context['run_url']})")
    if context.get("artifact_url"):
        parts.append(f"[whole plan]({context['artifact_url']})")
    return "<sub>" + " · ".join(["monitorc"] + parts) + " · this comment is updated on every push</sub>"
