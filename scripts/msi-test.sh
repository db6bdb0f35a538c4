#!/usr/bin/env bash
# Installs, upgrades and removes the Windows installer under Wine, silently, in a fresh prefix
# (a scratch Windows machine and user) that is removed afterwards:
#   1. msiexec /i MSI /qn: both programs in Program Files\Redox Uploader, the Start menu
#      and Send to shortcuts, one Add/Remove Programs entry (name, publisher, version), the
#      Active Setup entry, the folder once at the end of the system PATH; the console program,
#      found by name on that PATH, runs `version`, and an upload to the sandbox, and stores a
#      source's secret in Credential Manager (the user's data).
#   1b. A managed source (a policy in HKLM) given its secret for every user with the installed
#      console program's 'source provision': the file in %ProgramData%\Redox Uploader\secrets
#      is encrypted (DPAPI), and the user, with no secret of their own, uploads with it to a
#      sandbox; 'source unprovision' removes it. Wine keeps no folder ACLs (it shows one made
#      from the Unix mode bits), so the folder's DACL (users read, administrators write) is for
#      Windows to show.
#   2. Active Setup: for a user who has no Send to shortcut yet, the command it runs at their
#      sign-in (StubPath, read from the registry) puts the shortcut in.
#   3. msiexec /i of an MSI one version higher (built here from the same programs): an upgrade
#      in place, one entry, the new version; then that version built again (a product code of
#      its own, as every build has): it replaces the installed one, still one entry; the folder
#      is on the system PATH once all along.
#   4. msiexec /x /qn: no program files, shortcuts or entries left, the system PATH as it was
#      before the install; the user's history, settings and Credential Manager entry are still
#      there.
# It prints how long each msiexec took.
#
#   scripts/msi-test.sh MSI CLI.exe WINDOW.exe     (MSI made by scripts/msi.sh from the two programs)
#
# Wine is not Windows: see README.md (Deploying in a hospital) for what only Windows can show.
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: scripts/msi-test.sh MSI CLI.exe WINDOW.exe"
old=$(realpath "${1:?$usage}")
cli=${2:?$usage}
window=${3:?$usage}
# shellcheck source=scripts/wine/prefix.sh
source scripts/wine/prefix.sh
wine_require_tools msi-test msiinfo

tmp=$(mktemp -d "${TMPDIR:-/tmp}/redox-msi-test.XXXXXX")
trap 'wine_prefix_end; rm -rf "$tmp"' EXIT
wine_prefix "$tmp"

fail() { echo "msi-test: $*" >&2; exit 1; }
property() { msiinfo export "$1" Property | tr -d '\r' | awk -v p="$2" '$1 == p { print $2 }'; } # MSI PROPERTY
winvar() { winepath -u "$(wine cmd /c echo "%$1%" </dev/null | tr -d '\r')"; }           # %NAME% as a Unix path
# entries: the Add/Remove Programs entries named Redox Uploader, one line each: "VERSION PUBLISHER".
entries() {
  wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s </dev/null 2>/dev/null | tr -d '\r' |
    awk '/^HKEY_/ { if (name == "Redox Uploader") print version, publisher; name = version = publisher = "" }
      { sub(/[ \t]+$/, "") }
      $1 == "DisplayName" { name = substr($0, index($0, "REG_SZ") + 10) }
      $1 == "DisplayVersion" { version = $3 }
      $1 == "Publisher" { publisher = substr($0, index($0, "REG_SZ") + 10) }
      END { if (name == "Redox Uploader") print version, publisher }'
}
msiexec() { # ARGS... — runs msiexec silently, with a log, and prints how long it took
  local start=$SECONDS log
  log="$tmp/msiexec-$RANDOM.log"
  wine msiexec "$@" /qn /l*v "$(winepath -w "$log")" </dev/null >/dev/null 2>&1 ||
    fail "msiexec $* failed with status $?; its log: $(grep -a -i -m 5 'error\|return value 3' "$log")"
  echo "msi-test: msiexec $1 $(basename "${2:-}") took $((SECONDS - start)) s"
}

program_files="$WINEPREFIX/drive_c/Program Files/Redox Uploader"
appdata=$(winvar APPDATA)
localappdata=$(winvar LOCALAPPDATA)
sendto="$appdata/Microsoft/Windows/SendTo/Redox Uploader.lnk"
# Windows puts a per-machine Start menu shortcut in the Start menu of all users; Wine's msi puts
# it in the installing user's. Either is accepted here.
start_menus=("$(winvar ProgramData)/Microsoft/Windows/Start Menu/Programs/Redox Uploader.lnk"
  "$appdata/Microsoft/Windows/Start Menu/Programs/Redox Uploader.lnk")
active_setup='HKLM\SOFTWARE\Microsoft\Active Setup\Installed Components\{b67b65ff-bfdf-4936-afd6-116bba25b1f0}'
old_version=$(property "$old" ProductVersion)
[[ $old_version =~ ^([0-9]+\.[0-9]+\.)([0-9]+)$ ]] || fail "$old has no version of three numbers: '$old_version'"
new_version=${BASH_REMATCH[1]}$((BASH_REMATCH[2] + 1))
new=$(VERSION=$new_version bash scripts/msi.sh "$cli" "$window" "$tmp/newer" | sed -n 's/^msi: \(.*\.msi\) .*/\1/p')
[ -f "$new" ] || fail "scripts/msi.sh made no MSI of version $new_version"

# path_entries: the system PATH's folders, one a line, as the registry holds them (empty ones,
# which Windows skips, left out: Wine's msiexec leaves the separator of a folder it takes out).
path_entries() {
  wine reg query 'HKLM\System\CurrentControlSet\Control\Session Manager\Environment' /v PATH </dev/null 2>/dev/null |
    tr -d '\r' | sed -n 's/^ *PATH *REG_[A-Z_]*SZ *//p' | tr ';' '\n' | sed '/^$/d'
}
path_before=$(path_entries)
[ -n "$path_before" ] || fail "the fresh prefix has no system PATH to compare with"
# on_path: how many times the system PATH holds the programs' folder.
install_dir='C:\Program Files\Redox Uploader'
on_path() { path_entries | grep -c -i -x -F -e "$install_dir" -e "$install_dir\\" || true; }

start_menu_present() { [ -e "${start_menus[0]}" ] || [ -e "${start_menus[1]}" ]; }
check_installed() { # VERSION — what an installed product must have
  for f in redox-uploader.exe redox-uploader-window.exe; do
    [ -s "$program_files/$f" ] || fail "$f is not in Program Files\\Redox Uploader after installing $1"
  done
  start_menu_present || fail "no Start menu shortcut after installing $1 (looked at ${start_menus[*]})"
  [ -e "$sendto" ] || fail "no Send to shortcut for the installing user after installing $1"
  local got
  got=$(entries)
  [ "$got" = "$1 Redox Uploader" ] ||
    fail "Add/Remove Programs after installing $1: want one entry '$1 Redox Uploader' (version, publisher), got: ${got:-none}"
  got=$(on_path)
  [ "$got" = 1 ] || fail "after installing $1 the system PATH holds the programs' folder $got times, not once: $(path_entries | paste -sd';')"
  [ "$(path_entries | head -n "$(wc -l <<<"$path_before")")" = "$path_before" ] ||
    fail "after installing $1 the system PATH does not begin with what it held before: $(path_entries | paste -sd';')"
}

# --- 1. silent install ------------------------------------------------------------------------
msiexec /i "$(winepath -w "$old")"
check_installed "$old_version"
if [ "$(property "$old" ARPPRODUCTICON)" != RedoxUploader.ico ] || ! (cd "$tmp" && msiinfo export "$old" Icon) | grep -q '^RedoxUploader.ico'; then # (it writes the icon into the folder)
  fail "the MSI names no icon for Add/Remove Programs"
fi
console="C:\\Program Files\\Redox Uploader\\redox-uploader.exe"
# By name, from another folder, in a new command prompt: what a script or a nurse types.
(cd "$tmp" && wine cmd /c redox-uploader version </dev/null 2>&1) | tr -d '\r' | grep -q '^Redox Uploader ' ||
  fail "a command prompt does not find the installed console program by name: 'redox-uploader version' did not run"
printf 'referral\n' >"$tmp/Referral letter.txt"
out=$(wine "$console" upload --sandbox "$(winepath -w "$tmp/Referral letter.txt")" </dev/null 2>"$tmp/upload.err" | tr -d '\r') ||
  fail "the installed console program could not upload to the sandbox: $(cat "$tmp/upload.err")"
[[ $out == *"Referral letter.txt"$'\t'* ]] || fail "the sandbox upload printed no URI: $out"
{ wine "$console" source add Radiology --api-key radiology-key </dev/null &&
  printf 'kept-after-removal' | wine "$console" source set-secret Radiology; } >/dev/null 2>"$tmp/source.err" ||
  fail "the installed console program could not save a source and its secret: $(cat "$tmp/source.err")"
history="$localappdata/redox-uploader/history.db"
settings="$appdata/redox-uploader/settings.json"
user_data_kept() { [ -s "$history" ] && [ -s "$settings" ] && [ "$(credentials)" -gt 0 ]; }
credentials() { # Wine keeps Credential Manager's entries in the registry
  wine reg query 'HKCU\Software\Wine\Credential Manager' /s </dev/null 2>/dev/null | tr -d '\r' | grep -c '^HKEY.*Redox Uploader:profile/Radiology/secret$' || true
}
user_data_kept || fail "the user's history ($history), settings ($settings) or secret in Credential Manager were not written"
echo "msi-test: installed $old_version: programs, Start menu and Send to shortcuts, one Add/Remove Programs entry, on the system PATH once; version (by name), a sandbox upload and a stored secret ran"

# --- 1b. a managed source's secret provisioned for every user ---------------------------------
wine "$console" sandbox --addr 127.0.0.1:0 </dev/null >"$tmp/sandbox.out" 2>&1 &
sandbox=$!
for _ in $(seq 150); do grep -qs 'Press Ctrl+C' "$tmp/sandbox.out" && break; sleep 0.1; done
banner() { tr -d '\r' <"$tmp/sandbox.out" | awk -v a="$1" -v b="${2:-}" '$1 == a && (b == "" || $2 == b) { print $3; exit }'; } # WORD [WORD]
url=$(banner upload URL)
base=$(banner API base)
key=$(banner legacy)
secret=$(tr -d '\r' <"$tmp/sandbox.out" | sed -n 's/^ *legacy .*REDOX_API_SECRET=\([^ ]*\).*/\1/p')
if [ -z "$url" ] || [ -z "$secret" ]; then fail "the sandbox did not start under Wine: $(cat "$tmp/sandbox.out")"; fi
managed='HKLM\SOFTWARE\Policies\Redox Uploader\Sources\Cardiology'
for v in "ApiKey $key" "UploadUrl $url" "ApiBase $base"; do
  wine reg add "$managed" /v "${v%% *}" /t REG_SZ /d "${v#* }" /f /reg:64 </dev/null >/dev/null 2>&1 || fail "reg add $managed ${v%% *} failed"
done
printf '%s' "$secret" | wine "$console" source provision Cardiology >/dev/null 2>"$tmp/provision.err" ||
  fail "source provision failed: $(cat "$tmp/provision.err")"
machine_secrets="$(winvar ProgramData)/Redox Uploader/secrets"
stored=("$machine_secrets"/*.secret)
if [ ${#stored[@]} -ne 1 ] || [ ! -s "${stored[0]}" ]; then fail "source provision stored not one file in $machine_secrets"; fi
! grep -qF -e "$secret" "${stored[0]}" || fail "the provisioned secret is stored in clear text"
out=$(wine "$console" upload --source Cardiology "$(winepath -w "$tmp/Referral letter.txt")" </dev/null 2>"$tmp/upload.err" | tr -d '\r') ||
  fail "the user could not upload with the secret provisioned for every user: $(cat "$tmp/upload.err")"
[[ $out == *"Referral letter.txt"$'\t'*"/blob/"* ]] || fail "the upload with the provisioned secret printed no URI: $out"
wine "$console" source unprovision Cardiology </dev/null >/dev/null 2>&1 || fail "source unprovision failed"
[ -z "$(ls -A "$machine_secrets")" ] || fail "source unprovision left $(ls "$machine_secrets")"
wine reg delete 'HKLM\SOFTWARE\Policies\Redox Uploader' /f /reg:64 </dev/null >/dev/null 2>&1 || true
wine taskkill /f /im redox-uploader.exe </dev/null >/dev/null 2>&1 || true # the sandbox: a program running is not removed
wait "$sandbox" 2>/dev/null || true
echo "msi-test: a managed source's secret provisioned for every user: encrypted (DPAPI), used by the user, removed"

# --- 2. Active Setup: the Send to shortcut for a user who signs in after the install ------------
stub=$(wine reg query "$active_setup" /v StubPath </dev/null 2>/dev/null | tr -d '\r' | sed -n 's/.*StubPath *REG_SZ *//p')
[ -n "$stub" ] || fail "no Active Setup StubPath in $active_setup"
rm -f "$sendto"
wine reg delete 'HKCU\Software\Redox Uploader\Installer' /f </dev/null >/dev/null 2>&1 || true
read -ra stub_words <<<"$stub"
[ "${stub_words[0],,}" = msiexec.exe ] || fail "Active Setup runs '$stub', not msiexec"
msiexec "${stub_words[@]:1:$((${#stub_words[@]} - 2))}" # less msiexec.exe and its /qn, which msiexec() adds
[ -e "$sendto" ] || fail "Active Setup's command ($stub) did not put in the user's Send to shortcut"
echo "msi-test: Active Setup's command gives a new user the Send to shortcut"

# --- 3. upgrade in place ----------------------------------------------------------------------
msiexec /i "$(winepath -w "$new")"
check_installed "$new_version"
echo "msi-test: $new_version upgraded $old_version in place: one Add/Remove Programs entry"
again=$(VERSION=$new_version bash scripts/msi.sh "$cli" "$window" "$tmp/again" | sed -n 's/^msi: \(.*\.msi\) .*/\1/p')
[ "$(property "$again" ProductCode)" != "$(property "$new" ProductCode)" ] || fail "two builds of $new_version share a product code"
msiexec /i "$(winepath -w "$again")"
check_installed "$new_version"
new=$again # the one installed now, which step 4 removes
echo "msi-test: $new_version built again replaced the installed $new_version: one Add/Remove Programs entry"

# --- 4. silent removal ------------------------------------------------------------------------
msiexec /x "$(property "$new" ProductCode)"
[ ! -e "$program_files" ] || [ -z "$(ls -A "$program_files")" ] || fail "removal left $(ls "$program_files") in Program Files\\Redox Uploader"
! start_menu_present || fail "removal left the Start menu shortcut"
[ ! -e "$sendto" ] || fail "removal left the installing user's Send to shortcut"
[ -z "$(entries)" ] || fail "removal left the Add/Remove Programs entry: $(entries)"
[ "$(path_entries)" = "$path_before" ] || fail "removal did not give the system PATH back as it was: $(path_entries | paste -sd';')"
! wine reg query "$active_setup" </dev/null >/dev/null 2>&1 || fail "removal left the Active Setup entry"
user_data_kept || fail "removal took the user's history, settings or secret in Credential Manager"
echo "msi-test: removed: no program files, shortcuts or entries left, the system PATH as before; the user's history, settings and secret kept"
