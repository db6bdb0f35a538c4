#!/usr/bin/env bash
# shellcheck disable=SC2016 # the namespace's script is in single quotes on purpose: it expands inside
# Runs the command line that ships under an organisation's policy in the place IT puts it,
# /etc/redox-uploader/policy.json, without touching the real one: in a private mount namespace
# (unshare, as root) a scratch folder is mounted over /etc/redox-uploader. Checks that a
# managed source is listed without any user action, that removing it is refused with exit
# status 1 and one sentence, that a policy file a user could have written is ignored with a
# warning, and that a policy that cannot be read is said and the command still runs.
#
#   scripts/policy-test.sh ./redox-uploader
set -euo pipefail
bin=$(realpath "${1:?usage: scripts/policy-test.sh ./redox-uploader}")
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
  echo "policy-test: needs root and unshare (CI has both) to mount over /etc/redox-uploader; not run" >&2
  exit 1
fi
made=""
[ -d /etc/redox-uploader ] || { mkdir -m 755 /etc/redox-uploader; made=1; } # a mount point; the package makes it too
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -z "$made" ] || rmdir /etc/redox-uploader' EXIT
export bin tmp
unshare -m bash -euo pipefail -c '
  mount --make-rprivate /
  mount -t tmpfs -o mode=755 policy /etc/redox-uploader
  fail() { echo "policy-test: $*" >&2; exit 1; }
  policy=/etc/redox-uploader/policy.json
  cli() { "$bin" --data-dir "$tmp/data" "$@"; }

  printf "%s" "{\"sources\": [{\"name\": \"Radiology\", \"environment\": \"Production\", \"apiKey\": \"rad-key\"}], \"userSources\": false}" >$policy
  chmod 644 $policy
  cli source list >"$tmp/list" 2>"$tmp/err" || fail "source list failed: $(cat "$tmp/err")"
  grep -E "^Radiology .*organisation$" "$tmp/list" >/dev/null || fail "the managed source is not listed as the organisation'"'"'s: $(cat "$tmp/list")"
  status=0; cli source remove Radiology >/dev/null 2>"$tmp/err" || status=$?
  [ $status -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "set by your organisation" "$tmp/err" ||
    fail "removing the managed source: exit $status, said: $(cat "$tmp/err")"
  cli diagnostics | grep -q "^Policy: $policy" || fail "diagnostics do not name $policy"

  chmod 666 $policy # a user could have written it: ignored
  cli source list >"$tmp/list" 2>"$tmp/err" || fail "source list failed: $(cat "$tmp/err")"
  ! grep -q Radiology "$tmp/list" && grep -q "was ignored" "$tmp/err" ||
    fail "a policy file everyone may write was applied, or not said: $(cat "$tmp/list" "$tmp/err")"

  chmod 644 $policy
  printf "{\"sources\": [" >$policy
  cli source list >/dev/null 2>"$tmp/err" || fail "a broken policy stopped the command: $(cat "$tmp/err")"
  grep -q "could not be read in full" "$tmp/err" || fail "a broken policy was not said: $(cat "$tmp/err")"
'
echo "policy-test: /etc/redox-uploader/policy.json: a managed source listed and kept, a file users could write ignored, a broken one said"
