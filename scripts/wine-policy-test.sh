#!/usr/bin/env bash
# The organisation's policy under Wine, in a fresh prefix (a scratch Windows computer and user)
# that is removed afterwards. With `reg add`, as Group Policy would write them (see
# packaging/windows/policy), values go into HKLM\SOFTWARE\Policies\Redox Uploader, and one into
# HKCU's key, which HKLM's wins over; then the console program, run as the user would:
#   1. the managed sources (keys Sources\Radiology, and Sources\1 as the templates write it)
#      are in `source list` without any user action;
#   2. `source remove Radiology`, and `source add` with UserSources=0, are refused: exit status
#      1 and one plain sentence;
#   3. `upload --sandbox FILE` is refused with Sandbox=0 (HKCU's Sandbox=1 loses to HKLM's);
#   4. `diagnostics` names where the policy was read, the managed sources and what is set;
#   5. a value of the wrong type (LockNotifications as a string) is a problem `diagnostics`
#      names, while commands still run;
#   6. slot 1's watched folders (WatchFolders, a REG_MULTI_SZ as the templates' multiText box
#      writes it) and settle time are in `diagnostics`; WatchFolders as a plain string is a
#      problem naming it and REG_MULTI_SZ, and the source is not used.
#
#   scripts/wine-policy-test.sh CLI.exe     (redox-uploader.exe, made by `make windows`)
set -euo pipefail
cd "$(dirname "$0")/.."
cli=$(realpath "${1:?usage: scripts/wine-policy-test.sh CLI.exe}")
# shellcheck source=scripts/wine/prefix.sh
source scripts/wine/prefix.sh
wine_require_tools wine-policy-test

tmp=$(mktemp -d "${TMPDIR:-/tmp}/redox-wine-policy-test.XXXXXX")
trap 'wine_prefix_end; rm -rf "$tmp"' EXIT
wine_prefix "$tmp"
start=$SECONDS

fail() { echo "wine-policy-test: $*" >&2; exit 1; }
key='SOFTWARE\Policies\Redox Uploader'
# policy ROOT\SUBKEY NAME TYPE DATA: one registry value, in the 64-bit view the app reads.
policy() {
  wine reg add "$1" /v "$2" /t "$3" /d "$4" /f /reg:64 </dev/null >/dev/null 2>"$tmp/reg.err" ||
    fail "reg add $1 /v $2 failed: $(cat "$tmp/reg.err")"
}
# run ARGS...: the console program with ARGS; sets status, out (its output) and err (its errors).
run() {
  status=0
  wine "$cli" "$@" </dev/null >"$tmp/out" 2>"$tmp/err" || status=$?
  out=$(tr -d '\r' <"$tmp/out")
  err=$(tr -d '\r' <"$tmp/err")
}
# refused WHAT ARGS...: the command must end with status 1 and one sentence naming the organisation.
refused() {
  local what=$1
  shift
  run "$@"
  if [ "$status" -ne 1 ] || [ "$(grep -c . <<<"$err")" -ne 1 ] || ! grep -qi 'organisation' <<<"$err"; then
    fail "$what: want exit status 1 and one sentence naming the organisation; got status $status and: $err"
  fi
  echo "wine-policy-test: $what: refused: $err"
}

# --- the policy, as Group Policy writes it ----------------------------------------------------
policy "HKLM\\$key\\Sources\\Radiology" Environment REG_SZ Production
policy "HKLM\\$key\\Sources\\Radiology" ApiKey REG_SZ radiology-key
policy "HKLM\\$key\\Sources\\Radiology" MaxSize REG_DWORD 20971520
# Slot 1 of the templates' managed sources, every value as Group Policy writes it (the key's
# name is the slot's; Name names the source; optional boxes left empty are empty strings).
slot="HKLM\\$key\\Sources\\1"
for value in Name:Cardiology Environment:Staging Auth:legacy ApiKey:cardiology-key ClientId: KeyId: \
  UploadUrl:https://blob.redoxengine.com/upload ApiBase:https://api.redoxengine.com; do
  policy "$slot" "${value%%:*}" REG_SZ "${value#*:}"
done
policy "$slot" MaxSize REG_DWORD 10485760
policy "$slot" Parallel REG_DWORD 3
policy "$slot" WatchFolders REG_MULTI_SZ 'C:\Scans\Cardiology\0D:\Fax' # two folders, one a line in the box
policy "$slot" SettleSeconds REG_DWORD 5
# Slot 2 left empty, as a slot disabled in the Group Policy editor may leave it: no source, no problem.
wine reg add "HKLM\\$key\\Sources\\2" /f /reg:64 </dev/null >/dev/null 2>&1 || fail "reg add of the empty slot 2 failed"
policy "HKLM\\$key" UserSources REG_DWORD 0
policy "HKLM\\$key" Sandbox REG_DWORD 0
policy "HKLM\\$key" LockNotifications REG_DWORD 1
policy "HKCU\\$key" Sandbox REG_DWORD 1      # HKLM's 0 wins
policy "HKCU\\$key" RetentionDays REG_DWORD 30 # only HKCU sets it: it applies

# --- 1. the managed sources, without any user action --------------------------------------------
run source list
[ "$status" -eq 0 ] || fail "source list: exit status $status: $err"
for want in '^Radiology +Production +legacy +blob\.redoxengine\.com ' '^Cardiology +Staging +legacy +blob\.redoxengine\.com '; do
  grep -Eiq "$want" <<<"$out" || fail "source list does not show the managed source ${want%% *}:
$out"
done
echo "wine-policy-test: source list shows the managed sources Radiology (key Sources\\Radiology) and Cardiology (slot 1)"

# --- 2. the user cannot remove it, nor add a source of their own ----------------------------------
refused "source remove Radiology" source remove Radiology
refused "source add with UserSources=0" source add Ward7 --api-key ward7-key

# --- 3. no sandbox ------------------------------------------------------------------------------
printf 'referral\n' >"$tmp/Referral letter.txt"
refused "upload --sandbox with Sandbox=0 (HKCU's 1 loses)" upload --sandbox "$(winepath -w "$tmp/Referral letter.txt")"

# --- 4. diagnostics: where the policy comes from, and what it sets --------------------------------
run diagnostics
[ "$status" -eq 0 ] || fail "diagnostics: exit status $status: $err"
grep -Eq '^  managed sources: (Cardiology, Radiology|Radiology, Cardiology)$' <<<"$out" ||
  fail "diagnostics does not list the managed sources Cardiology and Radiology:
$out"
for want in "Policy: HKLM\\$key, then HKCU\\$key" "sources of the user's own: locked" \
  "history retention: 30 days" "notifications: locked at the user's choice" "sandbox: not offered"; do
  grep -qF "$want" <<<"$out" || fail "diagnostics does not say \"$want\":
$out"
done
! grep -q '  problem:' <<<"$out" || fail "diagnostics reports a problem with a policy that has none:
$out"
echo "wine-policy-test: diagnostics names HKLM then HKCU, the managed sources, the locks and HKCU's retention"

# --- 5. a value of the wrong type: named as a problem; commands still run -------------------------
policy "HKLM\\$key" LockNotifications REG_SZ yes
run diagnostics
[ "$status" -eq 0 ] || fail "diagnostics with a broken policy: exit status $status: $err"
problem=$(grep '^  problem: .*LockNotifications' <<<"$out") || fail "diagnostics does not name LockNotifications (a string) as a problem:
$out"
grep -qF "notifications: locked at the user's choice" <<<"$out" || fail "a lock that cannot be read does not count as locked:
$out"
run source list
if [ "$status" -ne 0 ] || ! grep -q '^Radiology ' <<<"$out"; then
  fail "source list with a broken policy: exit status $status: $err
$out"
fi
echo "wine-policy-test: LockNotifications as a string: diagnostics says${problem#  problem:}; it stays locked, and commands run"

# --- 6. watched folders: a REG_MULTI_SZ read as the folders; a plain string refused ----------------
run diagnostics
grep -qF '  Cardiology watches 2 folders (settle time 5 s)' <<<"$out" ||
  fail "diagnostics do not show slot 1's watched folders (REG_MULTI_SZ) and settle time:
$out"
echo "wine-policy-test: slot 1's WatchFolders (REG_MULTI_SZ, two folders) and SettleSeconds (5 s) are Cardiology's"
# The templates' box left empty: a multi-string holding one empty string ('\0'), or none. No
# folder, no problem.
wine reg add "$slot" /v WatchFolders /t REG_MULTI_SZ /d '\0' /f /reg:64 </dev/null >/dev/null 2>&1 || fail "reg add of an empty WatchFolders failed"
run diagnostics
if grep -q 'Cardiology watches' <<<"$out" || grep -q '^  problem: .*Cardiology' <<<"$out"; then
  fail "an empty WatchFolders (REG_MULTI_SZ) gave Cardiology folders or a problem:
$out"
fi
echo "wine-policy-test: an empty WatchFolders (the box left empty) is no folder and no problem"
policy "$slot" WatchFolders REG_SZ 'C:\Scans\Cardiology'
run diagnostics
problem=$(grep '^  problem: .*source "Cardiology": WatchFolders: .*REG_MULTI_SZ' <<<"$out") ||
  fail "diagnostics do not name WatchFolders as a string as a problem:
$out"
run source list
if [ "$status" -ne 0 ] || grep -q '^Cardiology ' <<<"$out"; then
  fail "source list with Cardiology's WatchFolders a string: exit status $status, want 0 and no Cardiology: $err
$out"
fi
echo "wine-policy-test: WatchFolders as a string: diagnostics says${problem#  problem:}; Cardiology is not used"
echo "wine-policy-test: passed in $((SECONDS - start)) s after the prefix"
