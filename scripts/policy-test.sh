#!/usr/bin/env bash
# shellcheck disable=SC2016 # the namespace's script is in single quotes on purpose: it expands inside
# Runs the command line that ships under an organisation's policy in the place IT puts it,
# /etc/redox-uploader/policy.json, without touching the real one: in a private mount namespace
# (unshare, as root) a scratch folder is mounted over /etc/redox-uploader. Checks that a
# managed source is listed without any user action, that removing it is refused with exit
# status 1 and one sentence, that a policy file a user could have written is ignored with a
# warning, and that a policy that cannot be read is said and the command still runs. Then
# credentials provisioned once per machine: with the group redox-uploader added (to a copy of
# /etc/group mounted over it in the namespace), root stores the managed source's secret with
# 'source provision' (folder 0750 and file 0640, root and the group); a user who is not root
# is refused; a user outside the group cannot read it and is told why; a user in the group,
# with no keychain and no secret of their own, uploads with it to the sandbox. Then the managed
# source with a watched folder in the policy: diagnostics count the folder and say its settle time,
# and 'watch --source NAME', given no folder, watches it as that user (as a service would): a
# file dropped into it is uploaded with the machine's secret and moved to Uploaded/, and
# SIGTERM stops it with status 0. Last, 'source unprovision' removes the secret.
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
await_sh=$(realpath "$(dirname "$0")/lib/await.sh")
export bin tmp await_sh
unshare -m bash -euo pipefail -c '
  mount --make-rprivate /
  mount -t tmpfs -o mode=755 policy /etc/redox-uploader
  # fail WHY: says why (and what the watcher said, once it has run), then ends with status 1.
  fail() { echo "policy-test: $*" >&2; cat "$tmp"/watch.out "$tmp"/watch.err >&2 2>/dev/null || true; exit 1; }
  source "$await_sh"
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

  # --- credentials provisioned once per machine ---------------------------------------------
  gid=64999
  cp /etc/group "$tmp/group"
  echo "redox-uploader:x:$gid:" >>"$tmp/group"
  mount --bind "$tmp/group" /etc/group
  "$bin" sandbox --addr 127.0.0.1:0 >"$tmp/sandbox.out" 2>&1 &
  sandbox=$!
  watcher=""
  trap "kill \$sandbox \$watcher 2>/dev/null" EXIT
  await "the sandbox to start" grep -qs "Press Ctrl+C" "$tmp/sandbox.out"
  url=$(awk "\$1 == \"upload\" && \$2 == \"URL\" { print \$3 }" "$tmp/sandbox.out")
  base=$(awk "\$1 == \"API\" && \$2 == \"base\" { print \$3 }" "$tmp/sandbox.out")
  key=$(awk "\$1 == \"legacy\" { print \$3 }" "$tmp/sandbox.out")
  sed -n "s/^ *legacy .*REDOX_API_SECRET=\([^ ]*\).*/\1/p" "$tmp/sandbox.out" >"$tmp/secret"
  [ -n "$url" ] && [ -s "$tmp/secret" ] || fail "the sandbox did not start: $(cat "$tmp/sandbox.out")"
  printf "{\"sources\": [{\"name\": \"Radiology\", \"apiKey\": \"%s\", \"uploadUrl\": \"%s\", \"apiBase\": \"%s\"}]}" \
    "$key" "$url" "$base" >$policy
  chmod 755 "$tmp"
  printf "report\n" >"$tmp/report.txt"
  chmod 644 "$tmp/report.txt"
  as_user() { # GROUPS ARGS...: the command line as the user nobody, in GROUPS ("" for none), with its own data folder
    local groups=$1 home
    shift
    home=$(mktemp -d "$tmp/user.XXXXXX")
    chown 65534:65534 "$home"
    local in=(--clear-groups)
    [ -z "$groups" ] || in=(--groups="$groups")
    setpriv --reuid=65534 --regid=65534 "${in[@]}" env -u DBUS_SESSION_BUS_ADDRESS HOME="$home" "$bin" --data-dir "$home" "$@"
  }

  status=0; as_user "" source provision Radiology <"$tmp/secret" >/dev/null 2>"$tmp/err" || status=$?
  [ $status -eq 1 ] && grep -q "needs an administrator" "$tmp/err" || fail "provisioning as a user: exit $status, said: $(cat "$tmp/err")"
  cli source provision Radiology <"$tmp/secret" >/dev/null 2>"$tmp/err" || fail "provisioning as root failed: $(cat "$tmp/err")"
  secrets=/etc/redox-uploader/secrets
  [ "$(stat -c "%a %U %G" $secrets)" = "750 root redox-uploader" ] || fail "$secrets is $(stat -c "%a %U %G" $secrets)"
  for f in $secrets/*; do
    [ "$(stat -c "%a %U %G" "$f")" = "640 root redox-uploader" ] || fail "$f is $(stat -c "%a %U %G" "$f")"
  done

  status=0; as_user "" upload --source Radiology "$tmp/report.txt" >/dev/null 2>"$tmp/err" || status=$?
  [ $status -eq 1 ] && grep -q "group \"redox-uploader\"" "$tmp/err" ||
    fail "a user outside the group: exit $status, said: $(cat "$tmp/err")"
  as_user "$gid" upload --source Radiology "$tmp/report.txt" >"$tmp/out" 2>"$tmp/err" ||
    fail "a user in the group could not upload with the machine'"'"'s secret: $(cat "$tmp/err")"
  grep -q "report.txt.*/blob/" "$tmp/out" || fail "the upload printed no URI: $(cat "$tmp/out")"

  # --- a managed source'"'"'s watched folder, watched by '"'"'watch --source NAME'"'"' --------------------
  scans="$tmp/scans"
  mkdir "$scans"
  chown 65534:65534 "$scans" # the folder a scanner writes into, the watching user'"'"'s to move files in
  printf "{\"sources\": [{\"name\": \"Radiology\", \"apiKey\": \"%s\", \"uploadUrl\": \"%s\", \"apiBase\": \"%s\", \"watchFolders\": [\"%s\"], \"settleSeconds\": 1}]}" \
    "$key" "$url" "$base" "$scans" >$policy
  cli diagnostics >"$tmp/diag" 2>"$tmp/err" || fail "diagnostics with a watched folder failed: $(cat "$tmp/err")"
  grep -qF "  Radiology watches 1 folder (settle time 1 s)" "$tmp/diag" ||
    fail "diagnostics do not name the managed source'"'"'s watched folder: $(cat "$tmp/diag" "$tmp/err")"
  home=$(mktemp -d "$tmp/user.XXXXXX")
  chown 65534:65534 "$home"
  setpriv --reuid=65534 --regid=65534 --groups="$gid" env -u DBUS_SESSION_BUS_ADDRESS HOME="$home" \
    "$bin" --data-dir "$home" watch --source Radiology --rescan 0.5 >"$tmp/watch.out" 2>"$tmp/watch.err" &
  watcher=$!
  await_pid=$watcher await_name="the watcher"
  said() { grep -qF "$2" "$1"; } # FILE TEXT
  await "the watcher to start" said "$tmp/watch.err" "Watching 1 folder(s) for \"Radiology\"; a file is sent once unchanged for 1 s."
  printf "scan\n" >"$scans/.scan.part"
  chmod 644 "$scans/.scan.part"
  mv "$scans/.scan.part" "$scans/scan.pdf" # complete when it appears, as a scanner'"'"'s rename does
  await "scan.pdf to be uploaded" said "$tmp/watch.out" "  scan.pdf  uploaded  "
  grep -q "  scan.pdf  uploaded  .*/blob/" "$tmp/watch.out" || fail "the watcher printed no URI"
  moved() { compgen -G "$scans/Uploaded/*/scan.pdf" >/dev/null; }
  await "scan.pdf moved to Uploaded/" moved
  kill -TERM $watcher
  status=0
  await_end "the watcher stopped by SIGTERM" || status=$?
  watcher=""
  [ $status -eq 0 ] && grep -q "Stopped watching." "$tmp/watch.err" || fail "SIGTERM: exit $status, want 0 and \"Stopped watching.\""

  cli source unprovision Radiology >/dev/null 2>"$tmp/err" || fail "unprovision failed: $(cat "$tmp/err")"
  [ -z "$(ls -A $secrets)" ] || fail "unprovision left $(ls $secrets)"
'
echo "policy-test: /etc/redox-uploader/policy.json: a managed source listed and kept, a file users could write ignored, a broken one said"
echo "policy-test: provisioned secret: 0750/0640 root:redox-uploader, refused to a user, unreadable outside the group (said), used by a member without a keychain, removed"
echo "policy-test: a managed source's watched folder: in diagnostics; 'watch --source Radiology' watched it, uploaded a file with the machine's secret, moved it to Uploaded/, stopped on SIGTERM"
