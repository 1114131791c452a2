"""Reads monitorc's own --help (CLI11's layout) into data, so the man pages and the shell
completions are made from the one description of the command line the binary prints.

    cli = read_cli("/path/to/monitorc")
    cli.summary, cli.commands["plan"].options[0].flags, ...
"""
import re
import subprocess


class Option:
    def __init__(self, flags, value, choices, help_text):
        self.flags = flags          # ["-o", "--out"]
        self.value = value          # the value's type word ("TEXT", "FLOAT"), "" for a flag
        self.choices = choices      # ["text", "json"] when the value is one of a set
        self.help = help_text

    @property
    def long(self):
        return next((f for f in self.flags if f.startswith("--")), self.flags[0])


class Command:
    def __init__(self, name):
        self.name = name            # "" for monitorc itself
        self.summary = ""
        self.usage = ""
        self.positionals = []       # Option objects whose flags are the positional's name
        self.options = []
        self.subcommands = []       # (name, summary)
        self.examples = []          # (command line, what it does)
        self.exit_status = ""
        self.notes = []             # other footer paragraphs


_SECTIONS = ("Positionals:", "Options:", "Subcommands:")


def _entries(lines):
    """CLI11 entries: '  NAME SPEC   help', or the spec alone with the help on the next line."""
    out = []
    for line in lines:
        if not line.strip():
            continue
        if line.startswith(" " * 8) and out:  # a help text on its own line
            out[-1][1] = (out[-1][1] + " " + line.strip()).strip()
            continue
        m = re.match(r"^  (\S.*?)(?:\s{2,}(\S.*))?$", line)
        if m:
            out.append([m.group(1).strip(), (m.group(2) or "").strip()])
    return out


def _option(spec, help_text, positional):
    words = spec.split(" ", 1)
    flags = words[0].split(",")
    rest = words[1] if len(words) > 1 else ""
    choices = []
    m = re.search(r"\{([^}]*)\}", rest)
    if m:
        choices = m.group(1).split(",")
    value = "" if positional else rest.split(":")[0].split(" ")[0]
    return Option(flags, value, choices, help_text)


def parse_help(name, text):
    cmd = Command(name)
    lines = text.splitlines()
    i = 0
    if lines and not lines[0].startswith("Usage:"):
        cmd.summary = lines[0].strip()
        i = 1
    section, footer = None, []
    for line in lines[i:]:
        if line.startswith("Usage:"):
            cmd.usage = re.sub(r"^Usage: \S*monitorc", "monitorc", line).strip()
        elif line in _SECTIONS:
            section = line
        elif section and (line.startswith("  ") or not line.strip()) and not footer:
            if section == "Positionals:":
                cmd.positionals.append(line)
            elif section == "Options:":
                cmd.options.append(line)
            else:
                cmd.subcommands.append(line)
        elif line.strip() or footer:
            footer.append(line)
    cmd.positionals = [_option(s, h, True) for s, h in _entries(cmd.positionals)]
    cmd.options = [_option(s, h, False) for s, h in _entries(cmd.options)]
    cmd.subcommands = [(s, h) for s, h in _entries(cmd.subcommands)]
    _footer(cmd, footer)
    return cmd


def _footer(cmd, lines):
    mode, para = None, []

    def flush():
        if mode is None and para:
            cmd.notes.append(" ".join(para))
        para.clear()

    for line in lines:
        if line.startswith("Examples:"):
            flush()
            mode = "examples"
        elif line.startswith("Exit status:"):
            flush()
            mode = "exit"
            cmd.exit_status = line[len("Exit status:"):].strip()
        elif mode == "examples" and line.startswith("  "):
            m = re.match(r"^  (\S.*?)(?:\s{2,}(\S.*))?$", line)
            cmd.examples.append((m.group(1), m.group(2) or ""))
        elif mode == "exit" and line.strip():
            cmd.exit_status += " " + line.strip()
        elif line.strip():
            if mode == "examples":
                mode = None
            para.append(line.strip())
        else:
            flush()
    flush()


def help_text(monitorc, *args):
    p = subprocess.run([monitorc, *args, "--help"], capture_output=True, text=True, check=True)
    return p.stdout


def read_cli(monitorc):
    """monitorc itself (name "") with .children: every subcommand, in the order --help lists them."""
    top = parse_help("", help_text(monitorc))
    top.children = [parse_help(n, help_text(monitorc, n)) for n, _ in top.subcommands]
    return top
