# Sourced by the scripts that need a program from Debian's packages (Chromium for the browser
# tests, HAProxy for serving a class): `debian_install PACKAGE` installs it with apt-get, as
# root or through sudo, and returns non-zero when apt-get is missing or fails.
debian_install() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
    command -v apt-get >/dev/null 2>&1 \
        && $sudo apt-get update -qq \
        && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$1" >/dev/null
}
