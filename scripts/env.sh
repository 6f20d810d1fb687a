# Shared by start.sh and test.sh: create .venv with Python 3.11 and install Upward (and extras).
upward_venv() {
  local extras="${1:-}"
  local py="${PYTHON:-}"
  if [ -z "$py" ]; then
    for c in python3.11 python3; do
      if command -v "$c" >/dev/null && "$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then py="$c"; break; fi
    done
  fi
  if [ -z "$py" ]; then echo "Upward needs Python 3.11 (set PYTHON=/path/to/python3.11)." >&2; return 1; fi
  if [ ! -x .venv/bin/python ]; then "$py" -m venv .venv; fi
  local spec="."
  [ -n "$extras" ] && spec=".[$extras]"
  local log
  log="$(mktemp)"
  echo "Installing Upward${extras:+ with $extras extras} into .venv …" >&2
  if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec" >"$log" 2>&1; then
    grep -v "is ignored: it is neither" "$log" >&2
    echo "Installing Upward failed (see above)." >&2
    return 1
  fi
  rm -f "$log"
}

# Debian packages Upward needs beyond Python: pango for PDF reports (weasyprint), and for the test
# suite Chromium (browser tests, driven by playwright with executable_path) and poppler-utils
# (pdftoppm renders report pages). Installed only when missing; needs root or sudo.
upward_system_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing Debian packages: ${missing[*]} …" >&2
  if ! { $sudo apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || { $sudo apt-get update -q >/dev/null 2>&1 && $sudo apt-get install -y -q "${missing[@]}" >/dev/null; }; }; then
    echo "Could not install ${missing[*]} with apt-get; install them and run again." >&2
    return 1
  fi
}
