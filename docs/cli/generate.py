#!/usr/bin/env python3
"""Writes the man pages and the bash, zsh and fish completions from monitorc's own --help, so
they list exactly the commands, options and value choices the binary takes. Run by the build
(cli/CMakeLists.txt) after monitorc is linked:

    generate.py --monitorc build/cli/monitorc --version 0.1.0 --out build/cli-docs

writes OUT/man1/monitorc.1 and OUT/man1/monitorc-COMMAND.1 (one per command) to read in the
build tree, and OUT/share/, the tree `cmake --install` copies below PREFIX/share: the same
pages gzipped (as Debian installs them) in man/man1/, and the completions where Debian's bash,
zsh and fish look for them: bash-completion/completions/monitorc,
zsh/vendor-completions/_monitorc and fish/vendor_completions.d/monitorc.fish.
monitorc.1.in beside this file holds what --help does not (description, environment, files).
"""
import argparse
import gzip
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import helptext  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# Options whose value is a path: the shells offer file names after them.
PATH_OPTIONS = {"--out", "--monitors", "--dashboard", "--junit", "--channels", "--notification-groups",
                "--downtimes", "--alert-group-settings"}


# ---- man pages ---------------------------------------------------------------------------

def roff(text):
    """Plain text as roff: backslashes escaped, hyphens kept as hyphen-minus, no line starting
    with a control character."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + l if l[:1] in (".", "'") else l) for l in text.split("\n"))


def option_lines(opts):
    out = []
    for o in opts:
        if o.flags == ["-h", "--help"]:
            continue
        spec = ", ".join("\\fB" + roff(f) + "\\fR" for f in o.flags)
        if o.choices:
            spec += " \\fI" + "|".join(roff(c) for c in o.choices) + "\\fR"
        elif o.value:
            spec += " \\fI" + roff(o.value) + "\\fR"
        out += [".TP", spec, roff(o.help)]
    return out


def examples_lines(cmd):
    out = [".SH EXAMPLES"]
    for line, what in cmd.examples:
        out += [".TP", ".B " + roff(line), roff(what or "")]
    return out


def written_sections():
    """monitorc.1.in by section name, each with its .SH line; comment lines dropped."""
    sections = {}
    with open(os.path.join(HERE, "monitorc.1.in")) as f:
        for line in f.read().splitlines():
            if line.startswith(".SH "):
                sections[line[4:]] = []
            if sections and not line.startswith('.\\"'):
                sections[list(sections)[-1]].append(line)
    return sections


def man_page(cmd, version, top):
    written = written_sections()
    title = "MONITORC" + ("-" + cmd.name.upper() if cmd.name else "")
    name = "monitorc" + ("-" + cmd.name if cmd.name else "")
    summary = top.summary.split(": ", 1)[-1] if not cmd.name else cmd.summary
    out = ['.TH %s 1 "" "monitorc %s" "monitorc manual"' % (title, version),
           ".SH NAME", "%s \\- %s" % (roff(name), roff(summary[:1].lower() + summary[1:])),
           ".SH SYNOPSIS", ".B " + roff(cmd.usage)]
    if cmd.name:
        out += [".SH DESCRIPTION", roff(cmd.summary) + "."]
        out += [roff(n) for n in cmd.notes]
    else:
        out += written["DESCRIPTION"] + [".SH COMMANDS"]
        for child in top.children:
            out += [".TP", "\\fBmonitorc %s\\fR, see \\fBmonitorc\\-%s\\fR(1)" % (roff(child.name), roff(child.name)),
                    roff(child.summary)]
    if cmd.positionals:
        out += [".SH ARGUMENTS"] + option_lines(cmd.positionals)
    out += [".SH OPTIONS"] + option_lines(cmd.options)
    out += examples_lines(cmd)
    out += [".SH EXIT STATUS", roff(cmd.exit_status)]
    if not cmd.name:
        out += [l for name, sec in written.items() if name != "DESCRIPTION" for l in sec]
    see = ["monitorc(1)"] if cmd.name else ["monitorc-%s(1)" % c.name for c in top.children]
    out += [".SH SEE ALSO", ",\n".join("\\fB%s\\fR(1)" % roff(s[:-3]) for s in see)]
    return "\n".join(out) + "\n"


# ---- completions -------------------------------------------------------------------------

def takes_value(o):
    return bool(o.value) and not o.flags[0] == "-h"


def bash(top):
    cmds = " ".join(c.name for c in top.children)
    lines = ["# bash completion for monitorc (generated from its --help by docs/cli/generate.py)",
             "_monitorc() {",
             '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= i',
             "  for ((i = 1; i < COMP_CWORD; i++)); do",
             '    case ${COMP_WORDS[i]} in -*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac',
             "  done",
             '  if [ -z "$cmd" ]; then',
             '    COMPREPLY=($(compgen -W "%s --help --version" -- "$cur"))' % cmds,
             "    return",
             "  fi",
             '  local opts= values= argvalues=',
             '  case $cmd in']
    for c in top.children:
        opts = " ".join(f for o in c.options for f in o.flags)
        lines.append("    %s)" % c.name)
        lines.append('      opts="%s"' % opts)
        cases = []
        for o in c.options:
            if not takes_value(o):
                continue
            pat = "|".join(o.flags)
            if o.choices:
                cases.append('        %s) values="%s" ;;' % (pat, " ".join(o.choices)))
            elif o.long in PATH_OPTIONS:
                cases.append("        %s) values=@files ;;" % pat)
            else:
                cases.append("        %s) values=@none ;;" % pat)
        if cases:
            lines += ['      case $prev in'] + cases + ['      esac']
        choices = [p for p in c.positionals if p.choices]
        if choices:
            lines.append('      argvalues="%s"' % " ".join(choices[0].choices))
        lines.append("      ;;")
    lines += ["  esac",
              '  case $values in',
              '    @none) COMPREPLY=(); return ;;',
              '    @files|"") ;;',
              '    *) COMPREPLY=($(compgen -W "$values" -- "$cur")); return ;;',
              '  esac',
              '  if [[ $cur == -* ]]; then',
              '    COMPREPLY=($(compgen -W "$opts" -- "$cur"))',
              '  elif [ -n "$argvalues" ] && [ "$prev" = "$cmd" ]; then',
              '    COMPREPLY=($(compgen -W "$argvalues" -- "$cur"))',
              "  else",
              "    compopt -o filenames 2>/dev/null",
              '    COMPREPLY=($(compgen -f -- "$cur"))',
              "  fi",
              "}",
              "complete -F _monitorc monitorc", ""]
    return "\n".join(lines)


def zsh_quote(s):
    return s.replace("'", "'\\''").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:")


def zsh(top):
    lines = ["#compdef monitorc", "# zsh completion for monitorc (generated from its --help by docs/cli/generate.py)",
             "_monitorc() {", "  local -a commands", "  commands=("]
    for c in top.children:
        lines.append("    '%s:%s'" % (c.name, c.summary.replace("'", "'\\''").replace(":", "\\:")))
    lines += ["  )",
              "  if (( CURRENT == 2 )); then",
              "    _describe -t commands 'monitorc command' commands",
              "    return",
              "  fi",
              "  local cmd=$words[2]",
              "  shift words; (( CURRENT-- ))",
              "  case $cmd in"]
    for c in top.children:
        specs = []
        for o in c.options:
            help_ = zsh_quote(o.help)
            if takes_value(o):
                action = "(%s)" % " ".join(o.choices) if o.choices else ("_files" if o.long in PATH_OPTIONS else " ")
                arg = ":%s:%s" % (o.value.lower(), action)
            else:
                arg = ""
            repeat = "*" if "repeatable" in o.help else ""
            if len(o.flags) > 1 and not repeat:
                specs.append("'(%s)'{%s}'[%s]%s'" % (" ".join(o.flags), ",".join(o.flags), help_, arg))
            else:
                for f in o.flags:
                    specs.append("'%s%s[%s]%s'" % (repeat, f, help_, arg))
        for p in c.positionals:
            if p.choices:
                specs.append("'1:%s:(%s)'" % (p.flags[0], " ".join(p.choices)))
            else:
                specs.append("'*:%s:_files'" % p.flags[0])
        lines.append("    %s)" % c.name)
        lines.append("      _arguments -s \\")
        lines += ["        %s \\" % s for s in specs]
        lines[-1] = lines[-1][:-2]
        lines.append("      ;;")
    lines += ["  esac", "}", '_monitorc "$@"', ""]
    return "\n".join(lines)


def fish_quote(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def fish(top):
    lines = ["# fish completion for monitorc (generated from its --help by docs/cli/generate.py)",
             "complete -c monitorc -f",
             "complete -c monitorc -n __fish_use_subcommand -l help -s h -d 'Print help'",
             "complete -c monitorc -n __fish_use_subcommand -l version -d 'Print the version'"]
    for c in top.children:
        lines.append("complete -c monitorc -n __fish_use_subcommand -a %s -d %s" % (c.name, fish_quote(c.summary)))
    for c in top.children:
        cond = "'__fish_seen_subcommand_from %s'" % c.name
        for o in c.options:
            parts = ["complete -c monitorc -n", cond]
            for f in o.flags:
                parts.append(("-l " + f[2:]) if f.startswith("--") else ("-s " + f[1:]))
            if takes_value(o):
                if o.choices:
                    parts += ["-x -a", fish_quote(" ".join(o.choices))]
                elif o.long in PATH_OPTIONS:
                    parts.append("-r -F")
                else:
                    parts.append("-x")
            parts += ["-d", fish_quote(o.help)]
            lines.append(" ".join(parts))
        for p in c.positionals:
            if p.choices:
                lines.append("complete -c monitorc -n %s -a %s" % (cond, fish_quote(" ".join(p.choices))))
            else:
                lines.append("complete -c monitorc -n %s -F" % cond)
    return "\n".join(lines) + "\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def write_gz(path, text):
    """Gzipped with no name and no time in the header: the same bytes on every build."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
        f.write(text.encode())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--monitorc", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    top = helptext.read_cli(a.monitorc)
    share = os.path.join(a.out, "share")
    for c in [top] + top.children:
        name = "monitorc" + ("-" + c.name if c.name else "") + ".1"
        page = man_page(c, a.version, top)
        write(os.path.join(a.out, "man1", name), page)
        write_gz(os.path.join(share, "man", "man1", name + ".gz"), page)
    write(os.path.join(share, "bash-completion", "completions", "monitorc"), bash(top))
    write(os.path.join(share, "zsh", "vendor-completions", "_monitorc"), zsh(top))
    write(os.path.join(share, "fish", "vendor_completions.d", "monitorc.fish"), fish(top))


if __name__ == "__main__":
    main()
