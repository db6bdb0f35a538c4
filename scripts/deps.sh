#!/usr/bin/env bash
# Installs what building and testing Redox Uploader needs on Debian or Ubuntu, only when it is
# missing, then fetches the Go modules. Safe to run again.
set -euo pipefail

packages=(
  gcc pkg-config libgl1-mesa-dev xorg-dev libgtk-3-dev   # Fyne (cgo, OpenGL, GTK for dialogs)
  xvfb xauth x11-apps imagemagick                        # the real window under Xvfb, screenshots
  gnome-keyring dbus-x11 libsecret-tools                 # a real Secret Service for keychain tests
  xdotool                                                # screenshots: keys sent to the real window
  xclip                                                  # paste tests: a real owner of the clipboard (tests only)
  curl                                                   # the benchmark compares against curl
  bc                                                     # watch-test.sh measures how soon a complete file is sent
  gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64         # make windows: cgo cross-compiler, windres, objdump
  wine wine64                                            # make wine: the Windows build run under Wine
  wixl msitools zip                                      # make msi: the Windows installer (its test reads it back), the policy templates' zip
  osslsigncode softhsm2 libengine-pkcs11-openssl         # make sign; make release signs with a test key in a SoftHSM token
  xz-utils file                                          # make package: the .tar.xz; the checks of both
  desktop-file-utils                                     # make package: desktop-file-validate
  debootstrap lintian                                    # make debtest: a clean Debian 12 root; lintian
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
else
  echo "deps: this is not a Debian or Ubuntu system, so nothing was installed." >&2
  echo "deps: install your distribution's packages for: a C compiler, pkg-config, OpenGL and X11" >&2
  echo "deps: development headers, GTK 3 headers, Xvfb, xwd, ImageMagick, gnome-keyring, dbus, curl, mingw-w64 (x86-64 gcc and" >&2
  echo "deps: binutils), xz, file, desktop-file-utils, wixl and msitools, osslsigncode, SoftHSM 2 and OpenSSL's PKCS#11 engine, zip, debootstrap, lintian and xclip (tests)." >&2
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

go mod download
