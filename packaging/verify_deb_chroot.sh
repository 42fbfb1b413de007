#!/usr/bin/env bash
# Install the built .deb on a clean Debian bookworm (a debootstrap'd chroot) and check that
# it works as an installer would use it, then that it uninstalls cleanly. Not part of CI:
# needs root, debootstrap and Debian's mirror (about 2 minutes once the base is cached).
#
#   sudo packaging/verify_deb_chroot.sh [dist/pos_VERSION_ARCH.deb]
#
# Environment: POS_CHROOT_BASE (cached minimal system, default /var/tmp/pos-bookworm-base),
# POS_DEBIAN_MIRROR (default: the first deb.debian.org-style URI in apt's sources).
set -euo pipefail
cd "$(dirname "$0")/.."

deb="${1:-$(ls -t dist/pos_*.deb 2>/dev/null | head -n 1)}"
[ -f "$deb" ] || { echo "no .deb given and none in dist/ (run packaging/build.py)"; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap, chroot, mount)"; exit 2; }
command -v debootstrap >/dev/null || { echo "apt-get install debootstrap"; exit 2; }

base="${POS_CHROOT_BASE:-/var/tmp/pos-bookworm-base}"
mirror="${POS_DEBIAN_MIRROR:-$(grep -rhoE 'https?://[^ ]+/debian/?' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | grep -v security | head -n 1 || true)}"
mirror="${mirror:-http://deb.debian.org/debian}"

if [ ! -x "$base/bin/sh" ]; then
    echo "== debootstrap bookworm (minbase) from $mirror into $base"
    debootstrap --variant=minbase bookworm "$base" "$mirror"
fi

root="$(mktemp -d /var/tmp/pos-chroot.XXXXXX)"
cleanup() {
    for m in dev/pts dev proc sys; do umount -l "$root/$m" 2>/dev/null || true; done
    rm -rf --one-file-system "$root"
}
trap cleanup EXIT
echo "== fresh copy of the base system in $root"
cp -a "$base/." "$root/"
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/pos.deb"

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
as_clerk() {
    chroot --userspec=clerk:clerk "$root" /usr/bin/env -i PATH=/usr/bin:/bin \
        HOME=/home/clerk LANG=C.UTF-8 "$@"
}
fail() { echo "FAILED: $*"; exit 1; }

echo "== apt-get install ./pos.deb (Depends from the mirror)"
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    /tmp/pos.deb >/dev/null
in_root dpkg -s pos | grep -E '^(Status|Version|Installed-Size):'
in_root useradd -m clerk

echo "== the pos command (as an ordinary user)"
[ "$(in_root readlink /usr/bin/pos)" = /opt/pos/pos ] || fail "/usr/bin/pos is not the link"
as_clerk pos --version
as_clerk pos configure --database sqlite:////home/clerk/shop.sqlite3 --counter C1
as_clerk pos configure --show
as_clerk pos migrate
as_clerk pos seed-demo | grep -v login
as_clerk pos check
as_clerk pos --self-test --self-test-screenshot /home/clerk/login.png
[ -s "$root/home/clerk/login.png" ] || fail "no login screenshot"
cp "$root/home/clerk/login.png" "${TMPDIR:-/tmp}/pos-chroot-login.png"
echo "(screenshot copied to ${TMPDIR:-/tmp}/pos-chroot-login.png)"
as_clerk pos configure --database postgresql+psycopg://shop:wrong@127.0.0.1:9/pos \
    && fail "a refused server was saved" || echo "(refused server: exit $?, as expected)"

echo "== store-wide defaults (root writes /etc/pos/settings.json, a new user picks them up)"
in_root pos configure --system --no-test --database sqlite:////srv/pos/shop.sqlite3 --counter STORE-1
in_root useradd -m clerk2
shown="$(chroot --userspec=clerk2:clerk2 "$root" /usr/bin/env -i PATH=/usr/bin:/bin \
    HOME=/home/clerk2 pos configure --show)"
echo "$shown"
grep -q "from /etc/pos/settings.json" <<<"$shown" || fail "/etc/pos/settings.json not honoured"

echo "== shared libraries not found by ldd (libraries inside /opt/pos/_internal show up here"
echo "   too: the frozen app finds them itself; the self-test above is the real check)"
missing="$(in_root sh -c 'find /opt/pos -name "*.so*" -type f -exec ldd {} + 2>/dev/null' \
    | grep 'not found' | sort -u || true)"
if [ -n "$missing" ]; then
    echo "$missing"
    in_root sh -c 'for f in /opt/pos/_internal/PySide6/Qt/plugins/platforms/*.so; do
        ldd "$f" | grep -q "not found" && echo "platform plugin with missing libs: $f"; done' || true
else
    echo "none missing"
fi

echo "== menu entry and icons"
for f in /usr/share/applications/pos.desktop /usr/share/icons/hicolor/48x48/apps/pos.png \
    /usr/share/icons/hicolor/256x256/apps/pos.png /usr/share/icons/hicolor/scalable/apps/pos.svg; do
    [ -f "$root$f" ] || fail "$f missing"
    echo "ok $f"
done
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$root/usr/share/applications/pos.desktop" && echo "desktop entry valid"
fi

echo "== dpkg -r pos, then --purge"
in_root dpkg -r pos >/dev/null
for f in /opt/pos /usr/bin/pos /usr/share/applications/pos.desktop \
    /usr/share/icons/hicolor/256x256/apps/pos.png /usr/share/doc/pos; do
    [ ! -e "$root$f" ] && [ ! -L "$root$f" ] || fail "$f left after dpkg -r"
done
echo "removed: nothing left under /opt/pos, /usr/bin/pos, menu entry, icons, docs"
[ -f "$root/etc/pos/settings.json" ] && echo "kept after remove: /etc/pos/settings.json (as intended)"
in_root dpkg --purge pos >/dev/null
[ ! -e "$root/etc/pos" ] || fail "/etc/pos left after purge"
echo "purged: /etc/pos removed; users' own settings and data stay in their homes"

if [ -z "${POS_SKIP_LINTIAN:-}" ] && command -v lintian >/dev/null; then
    echo "== lintian (informational)"
    lintian --tag-display-limit 0 "$deb" 2>/dev/null | sort | uniq -c | sort -rn | head -n 25 || true
fi
echo "verify_deb_chroot: all checks passed"
