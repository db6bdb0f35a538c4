#!/usr/bin/env bash
# Proves the signing pipeline with a throwaway certificate (a test root and a code-signing
# certificate it issues, made here and removed afterwards): scripts/sign.sh signs copies of
# the two programs with the certificate in a PKCS#12 file, scripts/msi.sh builds the MSI from
# the signed copies, and scripts/sign.sh signs the MSI with the same key held in a PKCS#11
# token (SoftHSM). Every signature must verify against the test root, the programs inside the
# MSI too, and a copy with one byte changed must not. Only a certificate from a trusted
# authority (the hospital's or the vendor's) satisfies SmartScreen; that cannot be shown here.
#
#   scripts/sign-test.sh CLI.exe WINDOW.exe
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: scripts/sign-test.sh CLI.exe WINDOW.exe"
cli=${1:?$usage}
window=${2:?$usage}
softhsm=/usr/lib/softhsm/libsofthsm2.so
for tool in osslsigncode openssl softhsm2-util msiextract; do
  command -v "$tool" >/dev/null || { echo "sign-test: $tool is missing; run 'make deps'" >&2; exit 1; }
done
[ -e "$softhsm" ] || { echo "sign-test: $softhsm is missing; run 'make deps'" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "sign-test: $*" >&2; exit 1; }

# --- a test root and a code-signing certificate it issues --------------------------------------
openssl req -x509 -newkey rsa:3072 -nodes -keyout "$tmp/root.key" -out "$tmp/root.pem" -days 2 \
  -subj "/CN=Redox Uploader test root (throwaway)" -addext "basicConstraints=critical,CA:true" \
  -addext "keyUsage=critical,keyCertSign" 2>/dev/null
openssl req -newkey rsa:3072 -nodes -keyout "$tmp/sign.key" -out "$tmp/sign.csr" \
  -subj "/CN=Redox Uploader test signer (throwaway)" 2>/dev/null
printf 'keyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n' >"$tmp/ext"
openssl x509 -req -in "$tmp/sign.csr" -CA "$tmp/root.pem" -CAkey "$tmp/root.key" -CAcreateserial \
  -days 2 -extfile "$tmp/ext" -out "$tmp/sign.pem" 2>/dev/null
cat "$tmp/sign.pem" "$tmp/root.pem" >"$tmp/chain.pem"
head -c 24 /dev/urandom | base64 >"$tmp/password"
openssl pkcs12 -export -inkey "$tmp/sign.key" -in "$tmp/sign.pem" -certfile "$tmp/root.pem" \
  -passout "file:$tmp/password" -out "$tmp/sign.p12"

# --- the same key in a PKCS#12 file and in a PKCS#11 token (SoftHSM) ---------------------------
export SOFTHSM2_CONF="$tmp/softhsm2.conf"
mkdir "$tmp/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\n' "$tmp/tokens" >"$SOFTHSM2_CONF"
pin=$(head -c 12 /dev/urandom | od -An -tu4 | tr -d ' \n' | head -c 8)
printf '%s' "$pin" >"$tmp/pin"
softhsm2-util --init-token --free --label redox-test --pin "$pin" --so-pin "$pin" >/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$tmp/sign.key" -out "$tmp/sign.p8"
softhsm2-util --import "$tmp/sign.p8" --token redox-test --label code-signing --id 01 --pin "$pin" >/dev/null
rm -f "$tmp/sign.key" "$tmp/sign.p8" # from here on the key is in the file and the token only

mkdir "$tmp/programs"
cp "$cli" "$tmp/programs/redox-uploader.exe"
cp "$window" "$tmp/programs/redox-uploader-window.exe"
export SIGN_WITHOUT_TIMESTAMP=1 # no time-stamp server here: nothing reaches the internet
SIGN_PKCS12="$tmp/sign.p12" SIGN_PASSWORD_FILE="$tmp/password" \
  bash scripts/sign.sh "$tmp/programs/redox-uploader.exe" "$tmp/programs/redox-uploader-window.exe"
msi=$(bash scripts/msi.sh "$tmp/programs/redox-uploader.exe" "$tmp/programs/redox-uploader-window.exe" "$tmp/dist" |
  sed -n 's/^msi: \(.*\.msi\) .*/\1/p')
[ -f "$msi" ] || fail "scripts/msi.sh made no MSI"
SIGN_PKCS11_MODULE=$softhsm SIGN_PKCS11_KEY="pkcs11:token=redox-test;object=code-signing;type=private" \
  SIGN_CERT="$tmp/chain.pem" SIGN_PASSWORD_FILE="$tmp/pin" bash scripts/sign.sh "$msi"

# --- every signature verifies against the test root; a changed byte breaks it ----------------
verifies() { osslsigncode verify -CAfile "$tmp/root.pem" -in "$1" >"$tmp/verify.log" 2>&1 && grep -q 'Signature verification: ok' "$tmp/verify.log"; }
msiextract -C "$tmp/extracted" "$msi" >/dev/null
for f in "$tmp/programs/redox-uploader.exe" "$tmp/programs/redox-uploader-window.exe" "$msi" \
  "$(find "$tmp/extracted" -name redox-uploader.exe)" "$(find "$tmp/extracted" -name redox-uploader-window.exe)"; do
  verifies "$f" || fail "$(basename "$f") does not verify against the test root: $(cat "$tmp/verify.log")"
  grep -q 'Redox Uploader test signer' "$tmp/verify.log" || fail "$(basename "$f") is not signed by the test signer"
done
cp "$tmp/programs/redox-uploader.exe" "$tmp/changed.exe"
printf 'X' | dd of="$tmp/changed.exe" bs=1 seek=4096 conv=notrunc status=none
! verifies "$tmp/changed.exe" || fail "a program with one byte changed still verifies"
echo "sign-test: both programs signed from a PKCS#12 file and the MSI from a PKCS#11 token (SoftHSM) verify, the programs inside the MSI too; a changed byte does not"
