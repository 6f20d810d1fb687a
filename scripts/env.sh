# Shared by start.sh and test.sh: create .venv with Python 3.11 or 3.12 and install Upward from the
# lock file, every package at its locked version and hash (scripts/lock.sh writes the lock files).
upward_venv() {
  local extras="${1:-}"
  local lock=requirements.lock
  [ "$extras" = test ] && lock=requirements-test.lock
  local py="${PYTHON:-}"
  if [ -z "$py" ]; then
    for c in python3.11 python3.12 python3; do
      if command -v "$c" >/dev/null && "$c" -c 'import sys; sys.exit(sys.version_info[:2] not in ((3, 11), (3, 12)))'; then py="$c"; break; fi
    done
  fi
  if [ -z "$py" ]; then echo "Upward needs Python 3.11 or 3.12 (set PYTHON=/path/to/python3.11)." >&2; return 1; fi
  if [ ! -x .venv/bin/python ]; then "$py" -m venv .venv; fi
  local log
  log="$(mktemp)"
  echo "Installing Upward${extras:+ with its $extras tools} into .venv from $lock …" >&2
  local pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
  # the locked packages (hashes checked), then Upward itself, built with the locked setuptools
  if ! { "${pip[@]}" --require-hashes -r "$lock" && "${pip[@]}" --no-deps --no-build-isolation -e .; } >"$log" 2>&1; then
    grep -v "is ignored: it is neither" "$log" >&2
    echo "Installing Upward failed (see above)." >&2
    return 1
  fi
  rm -f "$log"
}

# Debian packages Upward needs beyond Python: pango for PDF reports (weasyprint), and for the test
# suite Chromium (browser tests, driven by playwright with executable_path), poppler-utils
# (pdftoppm and pdftotext read the report's pages) and a Java runtime for Spark. Installed only
# when missing, with apt-get: needs root or sudo.
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
