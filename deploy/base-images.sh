#!/usr/bin/env bash
# Builds the base images the Dockerfile starts from, debian:bookworm and
# debian:bookworm-slim, locally from Debian's packages, for machines that
# cannot pull from a container registry (air-gapped operators, our CI):
# debootstrap (minbase, like the official images) into a folder, then
# `docker import`. The slim image is the same tree without documentation,
# manual pages and translations, as the official -slim images are.
#
# The package mirror, and the apt settings needed to use it (proxy,
# Check-Valid-Until for a snapshot mirror), are read from this machine's own
# apt configuration and written into the images, so `apt-get install` in a
# Dockerfile reaches the same mirror this machine uses. Nothing about the
# mirror is kept in the repository.
#
# An image that already exists is kept unless --force.
# Usage: deploy/base-images.sh [--force] [--mirror URL]
#   Run as root (debootstrap needs it); installs debootstrap when missing.
#   RATIFY_BASE_SUITE (default bookworm) names the Debian release.
set -euo pipefail

suite=${RATIFY_BASE_SUITE:-bookworm}
force=0
mirror=
usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --mirror) mirror=${2:?--mirror needs a URL}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "base-images.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

full=debian:$suite
slim=debian:$suite-slim
have() { docker image inspect "$1" >/dev/null 2>&1; }
if [ "$force" -eq 0 ] && have "$full" && have "$slim"; then
  echo "base images $full and $slim exist (--force rebuilds them)"
  exit 0
fi
docker info >/dev/null 2>&1 || { echo "base-images.sh: no Docker Engine reachable" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
  echo "base-images.sh: debootstrap needs root; run: sudo $0 $*" >&2
  exit 1
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  echo "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
         apt-get install -y -qq --no-install-recommends debootstrap; }
fi

# The Debian archives apt uses here: "URI SUITE COMPONENT" per line, for the
# release itself, its -updates and its -security suites.
debian_sources() {
  apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT) $(ORIGIN) $(IDENTIFIER)' 2>/dev/null \
    | awk -v s="$suite" '$4 == "Debian" && $5 == "Packages" &&
                         ($2 == s || $2 == s "-updates" || $2 == s "-security") { print $1, $2, $3 }' \
    | sort -u
}
sources=$(debian_sources)
if [ -z "$sources" ]; then
  # apt has no lists yet: read them once, then ask again
  apt-get update -qq >/dev/null 2>&1 || true
  sources=$(debian_sources)
fi
if [ -z "$mirror" ]; then
  mirror=$(awk -v s="$suite" '$2 == s { print $1; exit }' <<<"$sources")
fi
if [ -z "$mirror" ]; then
  echo "base-images.sh: this machine's apt configuration names no Debian $suite archive;" >&2
  echo "  give one with --mirror URL" >&2
  exit 1
fi
[ -n "$sources" ] || sources="$mirror $suite main"

work=$(mktemp -d /var/tmp/ratify-base.XXXXXX)
cleanup() { rm -rf --one-file-system "$work"; }
trap cleanup EXIT
root=$work/rootfs
started=$(date +%s)
echo "debootstrap $suite (minbase) from $mirror into $root"
debootstrap --variant=minbase --components=main "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; echo "base-images.sh: debootstrap failed" >&2; exit 1; }

# apt inside the images: the same archives and settings as this machine.
awk '{ uri[$1 " " $2] = uri[$1 " " $2] " " $3 }
     END { for (k in uri) print "deb " k uri[k] }' <<<"$sources" | sort >"$root/etc/apt/sources.list"
{
  echo "// Written by deploy/base-images.sh from the building machine's apt configuration."
  apt-config dump Acquire::Check-Valid-Until Acquire::Check-Date Acquire::http::Proxy \
    Acquire::https::Proxy Acquire::http::Proxy-Auto-Detect 2>/dev/null \
    | grep -v '^Acquire "";' || true
} >"$root/etc/apt/apt.conf.d/90host"
# The official images' container settings: no daemons started by maintainer
# scripts, no package cache kept, no translations, no suggested packages.
cat >"$root/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
exit 101
EOF
chmod 0755 "$root/usr/sbin/policy-rc.d"
cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
echo 'Acquire::GzipIndexes "true";' >"$root/etc/apt/apt.conf.d/docker-gzip-indexes"
printf 'Apt::AutoRemove::SuggestsImportant "false";\n' >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
# What the tree should not carry into an image.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
  "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/tmp/* "$root"/var/tmp/*
: >"$root/etc/machine-id"
echo "$suite" >"$root/etc/hostname"
rm -f "$root/etc/resolv.conf" "$root/etc/hosts"

import() { # DIR TAG
  tar --numeric-owner --xattrs -C "$1" -c . | docker import \
    --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "LABEL org.ratify.base=debootstrap org.ratify.suite=$suite" \
    --message "deploy/base-images.sh: debootstrap $suite minbase" - "$2" >/dev/null
  echo "built $2 ($(docker image inspect -f '{{.Size}}' "$2" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
}
import "$root" "$full"

# slim: drop documentation (but the copyright files), manual pages,
# translations, and tell dpkg to leave them out of later installs too.
cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
# Written by deploy/base-images.sh: the -slim image keeps no documentation.
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
EOF
find "$root/usr/share/doc" -mindepth 1 -not -type d -not -name copyright -delete
find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
rm -rf "$root"/usr/share/man/* "$root"/usr/share/groff/* "$root"/usr/share/info/* \
  "$root"/usr/share/lintian/* "$root"/usr/share/linda/*
import "$root" "$slim"
echo "base images built in $(( $(date +%s) - started )) s"
