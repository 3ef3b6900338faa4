#!/usr/bin/env bash
# Installs what a fresh Debian machine with a JDK, Maven and gcc lacks for
# jcriu's build and tests. Idempotent: does nothing when all is present.
set -euo pipefail
need=()
command -v crit >/dev/null 2>&1 || need+=(criu python3-protobuf)   # Debian's crit: the peer decoder check
command -v iptables >/dev/null 2>&1 || need+=(iptables)              # network lock for --tcp-established
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v ip >/dev/null 2>&1 || need+=(iproute2)                    # network namespaces in tests
command -v make >/dev/null 2>&1 || need+=(make)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "install-deps: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
