#!/usr/bin/env bash
# Signs Windows programs and installers (Authenticode, SHA-256) in place with osslsigncode, with
# the organisation's code-signing certificate: from a PKCS#12 file, or from a PKCS#11 token
# (smart card, USB key or HSM), where code-signing keys must now live.
#
#   scripts/sign.sh FILE...        (.exe or .msi; sign the programs before building the MSI)
#
# Environment, one of:
#   SIGN_PKCS12=cert.p12                 the certificate chain and key in one PKCS#12 file
#   SIGN_PKCS11_MODULE=/path/module.so   the token's PKCS#11 library, with
#   SIGN_PKCS11_KEY='pkcs11:...'         the key's PKCS#11 URI and
#   SIGN_CERT=chain.pem                  the certificate chain (PEM)
# and:
#   SIGN_PASSWORD_FILE=file              the PKCS#12 password or the token PIN (never on the command line)
#   SIGN_TIMESTAMP_URL=https://...       an RFC 3161 time-stamp server (your CA's), so signatures
#                                        outlive the certificate; required, unless
#   SIGN_WITHOUT_TIMESTAMP=1             signs without one (a test, where there is no internet):
#                                        such a signature fails once the certificate expires, and
#                                        AppLocker or WDAC publisher rules then block the program
#   SIGN_PKCS11_ENGINE=/path/pkcs11.so   OpenSSL's PKCS#11 engine (default: Debian's libengine-pkcs11-openssl)
#
# A file that cannot be signed is left as it was and the script fails. Check a signature with
# `osslsigncode verify -CAfile YOUR-ROOT.pem -in FILE` (scripts/sign-test.sh does).
set -euo pipefail

die() { echo "sign: $*" >&2; exit 1; }
[ $# -gt 0 ] || die "usage: scripts/sign.sh FILE..."
command -v osslsigncode >/dev/null || die "osslsigncode is missing (Debian/Ubuntu: sudo apt-get install osslsigncode)"

args=(-h sha256 -n "Redox Uploader" -i "https://redoxengine.com")
[ -z "${SIGN_PASSWORD_FILE:-}" ] || args+=(-readpass "$SIGN_PASSWORD_FILE")
if [ -n "${SIGN_TIMESTAMP_URL:-}" ]; then
  args+=(-ts "$SIGN_TIMESTAMP_URL")
elif [ "${SIGN_WITHOUT_TIMESTAMP:-}" != 1 ]; then
  die "no time-stamp server: set SIGN_TIMESTAMP_URL to your CA's RFC 3161 server, or SIGN_WITHOUT_TIMESTAMP=1 for a test (a signature without a time stamp fails once the certificate expires)"
fi
if [ -n "${SIGN_PKCS12:-}" ]; then
  args+=(-pkcs12 "$SIGN_PKCS12")
elif [ -n "${SIGN_PKCS11_MODULE:-}" ]; then
  if [ -z "${SIGN_PKCS11_KEY:-}" ] || [ -z "${SIGN_CERT:-}" ]; then
    die "a PKCS#11 token needs SIGN_PKCS11_KEY (the key's pkcs11: URI) and SIGN_CERT (the certificate chain, PEM)"
  fi
  engine=${SIGN_PKCS11_ENGINE:-/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so}
  [ -e "$engine" ] || die "OpenSSL's PKCS#11 engine $engine is missing (Debian/Ubuntu: sudo apt-get install libengine-pkcs11-openssl)"
  args+=(-pkcs11engine "$engine" -pkcs11module "$SIGN_PKCS11_MODULE" -key "$SIGN_PKCS11_KEY" -certs "$SIGN_CERT")
else
  die "no certificate: set SIGN_PKCS12, or SIGN_PKCS11_MODULE, SIGN_PKCS11_KEY and SIGN_CERT (see the top of this script)"
fi

for f in "$@"; do
  [ -f "$f" ] || die "$f is not a file"
  out="$f.signing"
  rm -f "$out"
  osslsigncode sign "${args[@]}" -in "$f" -out "$out" >"$out.log" 2>&1 ||
    { cat "$out.log" >&2; rm -f "$out" "$out.log"; die "could not sign $f"; }
  rm -f "$out.log"
  mv -f "$out" "$f"
  echo "sign: signed $f"
done
