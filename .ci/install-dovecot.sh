#!/usr/bin/env bash
# Installs Dovecot (IMAP and POP3), dnsmasq (DNS), a packet filter and the network-namespace tools (ip, unshare) for
# the interop tests in interop/ (MAIL_INTEGRATOR_INTEROP=true). The tests start their own private Dovecot and dnsmasq
# instances on free loopback ports, so the system-wide services are kept stopped and disabled.
# Idempotent; runs as root on Debian 12, non-interactive.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

need_install=false
for tool in /usr/sbin/dovecot /usr/sbin/dnsmasq /usr/sbin/iptables /usr/sbin/ip /usr/bin/unshare; do
    [ -x "$tool" ] || need_install=true
done
for pkg in dovecot-imapd dovecot-pop3d dnsmasq iptables iproute2 util-linux; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need_install=true
done

if $need_install; then
    # Keep the packages' maintainer scripts from starting the system-wide services (they would hold 143/993/110/995
    # and 53).
    policy=/usr/sbin/policy-rc.d
    created_policy=false
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy"
        chmod 755 "$policy"
        created_policy=true
    fi
    trap '$created_policy && rm -f "$policy"' EXIT
    # a package mirror can fail for a moment: try a few times before giving up
    for try in 1 2 3; do
        if apt-get update -q && apt-get install -y -q --no-install-recommends dovecot-imapd dovecot-pop3d dnsmasq iptables iproute2 util-linux
        then
            break
        fi
        [ "$try" -lt 3 ] || exit 1
        sleep 10
    done
fi

# Whatever started them (an earlier install, a boot), the system-wide services must not run.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now dovecot.service dovecot.socket dnsmasq.service >/dev/null 2>&1 || true
fi
for service in dovecot dnsmasq; do
    service "$service" stop >/dev/null 2>&1 || true
    if command -v update-rc.d >/dev/null 2>&1; then
        update-rc.d "$service" disable >/dev/null 2>&1 || true
    fi
done

/usr/sbin/dovecot --version
/usr/sbin/dnsmasq --version | sed -n 1p
/usr/sbin/iptables --version
