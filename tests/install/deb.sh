#!/usr/bin/env bash
# Builds the .deb and checks it unpacked into a clean root.   deb.sh BUILD_DIR VERSION
set -u
build=$1; version=$2; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=1; }

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log"; echo "FAIL: cpack"; exit 1; }
deb=$(ls "$tmp"/out/monitorc_"$version"_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { ls "$tmp/out"; echo "FAIL: no monitorc_${version}_ARCH.deb"; exit 1; }
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes"

# Control fields: the one version, and Depends from dpkg-shlibdeps naming the runtime libraries.
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || no "Version $(dpkg-deb -f "$deb" Version), not $version"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libcurl4 libc6; do
  grep -q "$lib" <<<"$depends" || no "Depends lacks $lib: $depends"
done

root=$tmp/root
dpkg -x "$deb" "$root" || { echo "FAIL: dpkg -x"; exit 1; }
mon=$root/usr/bin/monitorc
# libcurl is loaded with dlopen when a command first talks to a server, so the binary must not
# link it (start-up of check/build/fmt would load it and its TLS stack), and Depends names it
# by hand (checked above).
readelf -d "$mon" | grep -q 'NEEDED.*libcurl' && no "monitorc links libcurl: $(readelf -d "$mon" | grep NEEDED)"
# The C++ libraries are linked statically by default (MONITORC_STATIC_RUNTIME); those the binary
# does load must be in Depends.
needed=$(readelf -d "$mon" | grep NEEDED)
for pair in libantlr4-runtime:libantlr4-runtime libstdc++:libstdc++6 libyaml-cpp:libyaml-cpp libjemalloc:libjemalloc2; do
  grep -q "NEEDED.*${pair%%:*}" <<<"$needed" && ! grep -q "${pair#*:}" <<<"$depends" && no "monitorc loads ${pair%%:*} but Depends lacks ${pair#*:}: $depends"
done
[ "$("$mon" --version)" = "monitorc $version" ] || no "installed monitorc --version says '$("$mon" --version)'"
# The language server reports the same version to its client.
init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}'
reply=$(printf 'Content-Length: %d\r\n\r\n%s' "${#init}" "$init" | timeout 20 "$mon" lsp 2>/dev/null)
grep -q "\"serverInfo\":{\"name\":\"monitorc\",\"version\":\"$version\"}" <<<"$reply" || no "lsp serverInfo: $reply"

# A man page per command, each with the examples and exit status of its --help.
share=$root/usr/share
cmds=$("$mon" --help | awk '/^Subcommands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{exit}')
for page in monitorc $(sed 's/^/monitorc-/' <<<"$cmds"); do
  f=$share/man/man1/$page.1.gz
  if [ ! -f "$f" ]; then no "no man page $page(1)"; continue; fi
  text=$(zcat "$f")
  grep -q "^\.TH ${page^^} 1 .*monitorc $version" <<<"$text" || no "$page(1) is not for version $version"
  grep -q '^\.SH EXAMPLES' <<<"$text" && grep -q '^\.SH EXIT STATUS' <<<"$text" || no "$page(1) lacks examples or exit status"
done
if command -v man >/dev/null; then
  man -l "$share/man/man1/monitorc-plan.1.gz" 2>&1 | grep -q -- "--detailed-exitcode" || no "man -l monitorc-plan(1) does not render the options"
fi

# Completions where Debian's shells look, completing commands, options and their values.
bashc=$share/bash-completion/completions/monitorc
got=$(bash -c 'source "$1"
  t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _monitorc; echo "${COMPREPLY[*]}"; }
  t monitorc pl; t monitorc plan --detailed; t monitorc plan --format ""; t monitorc import ""' _ "$bashc" 2>&1)
expect=$'plan\n--detailed-exitcode\ntext markdown json\nmackerel prometheus grafana zabbix cloudwatch newrelic kibana alertmanager'
[ "$got" = "$expect" ] || no "bash completion gave:"$'\n'"$got"
zshc=$share/zsh/vendor-completions/_monitorc
[ -f "$zshc" ] && zsh -n "$zshc" && grep -q "^#compdef monitorc" "$zshc" || no "zsh completion missing or not zsh"
fishc=$share/fish/vendor_completions.d/monitorc.fish
got=$(fish -c 'source $argv[1]; complete -C "monitorc pu"; complete -C "monitorc plan --format "' "$fishc" 2>&1 | cut -f1 | tr '\n' ' ')
[ "$got" = "pull json markdown text " ] || no "fish completion gave: $got"

# Vim files on Vim's runtimepath; the Neovim package loads from the system site directory.
for f in ftdetect ftplugin indent syntax; do
  [ -f "$share/vim/vimfiles/$f/monitorc.vim" ] || no "no vim/vimfiles/$f/monitorc.vim"
done
home=$tmp/home; mkdir -p "$home"; printf 'monitor host "x" {}\n' >"$home/a.mon"
got=$(cd "$home" && HOME=$home XDG_CONFIG_HOME=$home/c XDG_DATA_HOME=$home/d XDG_STATE_HOME=$home/s \
      XDG_DATA_DIRS=$share timeout 20 nvim --headless -i NONE -u NORC --cmd 'let g:monitorc_no_lsp = 1' \
      +'lua io.stdout:write(vim.bo.filetype .. " " .. tostring(vim.b.current_syntax) .. "\n")' +qa a.mon 2>&1 | tail -1)
[ "$got" = "monitorc monitorc" ] || no "Neovim with the installed package: filetype and syntax '$got'"

# Docs and examples, and the installed binary checks the installed examples.
for f in README.md CHANGELOG.md copyright language.md examples/main.mon; do
  [ -f "$share/doc/monitorc/$f" ] || no "no doc/monitorc/$f"
done
[ -z "$(find "$share/doc/monitorc/examples" -name '.*')" ] || no "hidden files in the installed examples"
(cd "$tmp" && "$mon" check "$share/doc/monitorc/examples" >"$tmp/check.log" 2>&1) || { cat "$tmp/check.log"; no "check of the installed examples"; }

[ $fail -eq 0 ] && echo "ok: the package installs monitorc $version with its man pages, completions, editor files and docs"
exit $fail
