# shellcheck shell=bash
# Sourced by the Wine tests: wine_require_tools NAME [TOOL...] ends the test unless the tools are
# there; wine_prefix DIR makes DIR/prefix a fresh Wine prefix (a scratch Windows user) ready to
# run our programs, and sets WINEPREFIX; wine_prefix_end stops its wineserver. The caller
# removes DIR.

# wine_require_tools NAME [TOOL...]: Wine's own tools, the MinGW compiler (wine_prefix may need
# it) and each TOOL are on PATH; else "NAME: TOOL is missing; run 'make deps'" and exit 1.
wine_require_tools() {
  local name=$1 tool
  shift
  for tool in wine wineboot wineserver winepath x86_64-w64-mingw32-gcc "$@"; do
    command -v "$tool" >/dev/null || { echo "$name: $tool is missing; run 'make deps'" >&2; exit 1; }
  done
}

# wine_prefix DIR: the prefix, with a persistent wineserver and Wine's own services started, their
# output to DIR/wineboot.log: each command of a test then starts in a fraction of a second, and no
# service holds on to a command's output after it ends.
wine_prefix() {
  local dir=$1 start=$SECONDS
  export WINEPREFIX="$dir/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" # no Mono or Gecko prompts
  wineboot -i >"$dir/wineboot.log" 2>&1 || { echo "wine: wineboot failed:" >&2; cat "$dir/wineboot.log" >&2; return 1; }
  wineserver -w
  local sys32="$WINEPREFIX/drive_c/windows/system32"
  if [ ! -e "$sys32/bcryptprimitives.dll" ]; then # Wine before 9: see scripts/wine/bcryptprimitives.c
    x86_64-w64-mingw32-gcc -O2 -shared -o "$sys32/bcryptprimitives.dll" \
      scripts/wine/bcryptprimitives.c scripts/wine/bcryptprimitives.def -ladvapi32
  fi
  wineserver -p
  wine cmd /c exit >>"$dir/wineboot.log" 2>&1 </dev/null
  echo "wine: $(wine --version) prefix ready in $((SECONDS - start)) s"
}

# wine_prefix_end: stops the prefix's wineserver and every Windows program still running in it.
wine_prefix_end() { wineserver -k 2>/dev/null || true; }
