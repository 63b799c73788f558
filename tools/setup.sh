#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Idempotent setup: FreeCAD and test tools from Debian, the optional Python packages where
# FreeCAD's own Python finds them (as the Addon Manager does), a venv for test tools, and a link
# of this checkout into FreeCAD's user Mod folder so the GUI loads the workbench.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
PY=${PY:-/usr/bin/python3}

need_apt=()
command -v freecadcmd >/dev/null || need_apt+=(freecad)
command -v xvfb-run >/dev/null || need_apt+=(xvfb xauth)
command -v xdotool >/dev/null || need_apt+=(xdotool)  # the GUI tests paste with real keys
for tool in curl jq node; do command -v $tool >/dev/null || need_apt+=("${tool/#node/nodejs}"); done  # API client examples
"$PY" -c "import venv, ensurepip" 2>/dev/null || need_apt+=(python3-venv)
"$PY" -m pip --version >/dev/null 2>&1 || need_apt+=(python3-pip)
# The benchmark's dimension text (DejaVu Sans, as FreeCAD's drawings use).
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
command -v npm >/dev/null || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages: ${need_apt[*]}; run: sudo apt-get install ${need_apt[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${need_apt[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# FreeCAD's user data folder, as FreeCAD itself reports it (tail: Debian trixie's python3
# `freecad` package prints a note on stdout when imported).
userdir=$("$PY" -c "import sys; sys.path[:0]=['$root']; from freecad.makistry_wb import runtime; print(runtime.user_data_dir())" | tail -n1)
vendor=$("$PY" -c "import sys; sys.path[:0]=['$root']; from freecad.makistry_wb import runtime; print(runtime.vendor_dir())" | tail -n1)
mkdir -p "$vendor"

stamp="$vendor/.makistry_requirements"
want=$(sha1sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages into $vendor"
  nodeps=(); withdeps=(); mode=deps
  while read -r line; do
    case "$line" in
      ""|"#"*) ;;
      --no-deps-start) mode=nodeps ;;
      --no-deps-end) mode=deps ;;
      *) if [ $mode = nodeps ]; then nodeps+=("$line"); else withdeps+=("$line"); fi ;;
    esac
  done < requirements.txt
  pipi=("$PY" -m pip install -q --disable-pip-version-check --upgrade --target "$vendor")
  [ ${#nodeps[@]} -eq 0 ] || "${pipi[@]}" --no-deps "${nodeps[@]}"
  [ ${#withdeps[@]} -eq 0 ] || "${pipi[@]}" "${withdeps[@]}"
  echo "$want" > "$stamp"
fi

venv=${VENV:-.venv}  # make VENV=...: the FreeCAD 1.0 chroot keeps its own
want_dev=$( (cat requirements-dev.txt; "$PY" --version) | sha1sum | cut -d' ' -f1)
if [ "$(cat $venv/.makistry_dev 2>/dev/null)" != "$want_dev" ]; then
  echo "setup: creating $venv for the test tools"
  rm -rf "$venv"
  "$PY" -m venv --system-site-packages "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r requirements-dev.txt
  echo "$want_dev" > "$venv/.makistry_dev"
fi

# The Khronos glTF validator for the export tests (npm, offline once installed).
gltf=tools/gltf
want_gltf=$(sha1sum "$gltf/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$gltf/node_modules/.makistry" 2>/dev/null)" != "$want_gltf" ]; then
  echo "setup: installing the glTF validator (npm ci in $gltf)"
  (cd "$gltf" && npm ci --no-audit --no-fund --silent)
  echo "$want_gltf" > "$gltf/node_modules/.makistry"
fi

mkdir -p "$userdir/Mod"
link="$userdir/Mod/makistry_wb"
if [ "$(readlink -f "$link" 2>/dev/null)" != "$root" ]; then
  if [ -e "$link" ] && [ ! -L "$link" ]; then
    echo "setup: $link exists and is not a link; leaving it alone (remove it to use this checkout)" >&2
  else
    ln -sfn "$root" "$link"
    echo "setup: linked $link -> $root"
  fi
fi
fcver=$("$PY" -c "import sys; sys.path[:0]=['$root']; from freecad.makistry_wb import runtime; App = runtime.import_freecad(); print('.'.join(App.Version()[:3]))" 2>/dev/null | tail -1)
echo "setup: ok (FreeCAD ${fcver:-not importable!}, packages in $vendor)"
