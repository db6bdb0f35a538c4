#!/usr/bin/env bash
# Checks that the README only names what exists: every `make TARGET` is a Makefile target, and
# every `redox-uploader COMMAND [ACTION] --flag` in its code blocks is a command whose --help
# lists that flag.
#
# Usage: scripts/doc-check.sh BINARY [README.md]
set -euo pipefail
bin=${1:?usage: scripts/doc-check.sh BINARY [README]}
readme=${2:-README.md}
fail=0

targets=$( (make -qp 2>/dev/null || true) | awk -F: '/^[a-z][a-z-]*:/ { print $1 }' | sort -u)
# `make X` in backticks, and make X at the start of a code-block line.
for t in $( (grep -oE '`make [a-z][a-z-]*' "$readme"; grep -oE '^make [a-z][a-z-]*' "$readme") | awk '{ print $2 }' | sort -u); do
  grep -qx "$t" <<<"$targets" || { echo "doc-check: README names 'make $t', which the Makefile does not have" >&2; fail=1; }
done

# Lines of the README's code blocks that run the binary.
awk '/^```/ { inside = !inside; next } inside && /^redox-uploader / { print }' "$readme" |
while read -r line; do
  read -r -a words <<<"$line"
  cmd=${words[1]}
  case "$cmd" in --*|\[*) cmd= ;; esac
  help=$("$bin" ${cmd:+"$cmd"} --help 2>&1 || true)
  if [ "$cmd" = source ] && [[ "${words[2]:-}" =~ ^[a-z-]+$ ]]; then
    for action in $(sed 's/|/ /g' <<<"${line#redox-uploader source }" | tr ' ' '\n' | grep -E '^(add|list|show|set-secret|test|remove|provision|unprovision)$'); do
      grep -q "^  $action " <<<"$help" || { echo "doc-check: 'source $action' is not a source action" >&2; exit 1; }
      help+=$'\n'$("$bin" source "$action" --help 2>&1 || true)
    done
  fi
  for flag in $(grep -oE '(^| |\[)--[a-z][a-z-]*' <<<"$line" | sed 's/^[ [ ]*//'); do
    grep -qE "^ *${flag#-}( |$)" <<<"$help" || { echo "doc-check: README line '$line': '$flag' is not in '${cmd:-(window)} --help'" >&2; exit 1; }
  done
done || fail=1
[ "$fail" -eq 0 ] && echo "doc-check: README commands and make targets exist."
exit "$fail"
