#!/usr/bin/env bash
# Installs Postfix as Debian 12 ships it, for the SMTP submission interop tests in interop/ (PostfixServer;
# MAIL_INTEGRATOR_INTEROP=true). The tests start private Postfix instances (their own config, queue and data
# directories, submission services on free loopback ports) from copies of Debian's stock main.cf and master.cf, so
# the system-wide Postfix is left unconfigured ("No configuration"), stopped and disabled.
#
# Postfix provides and conflicts with mail-transport-agent: it replaces no installed package here (Dovecot, dnsmasq,
# and the Cyrus/Courier libraries and tools of .ci/install-cyrus-courier.sh need no MTA; the Cyrus and Courier
# servers that want one are unpacked, not installed). It would remove exim4 if that were installed, so it refuses to
# run on a machine with another MTA rather than replace it.
# Idempotent; runs as root on Debian 12, non-interactive.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

need_install=false
for tool in /usr/sbin/postfix /usr/sbin/postconf /usr/sbin/postqueue /usr/lib/postfix/sbin/master; do
    [ -x "$tool" ] || need_install=true
done
installed postfix || need_install=true

if $need_install; then
    other_mta=$(dpkg-query -W -f='${Status} ${Package} ${Provides}\n' 2>/dev/null \
        | awk '/^install ok installed/ && /mail-transport-agent/ && $4 != "postfix" { print $4 }')
    if [ -n "$other_mta" ]; then
        echo "another MTA is installed ($other_mta); installing Postfix would remove it: not done" >&2
        exit 1
    fi
    # "No configuration": Debian's postinst writes no /etc/postfix/main.cf and starts nothing
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    # Keep the maintainer scripts from starting the system-wide service.
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
        if apt-get update -q && apt-get install -y -q --no-install-recommends postfix; then
            break
        fi
        [ "$try" -lt 3 ] || exit 1
        sleep 10
    done
fi

# Whatever started it (an earlier install, a boot), the system-wide Postfix must not run.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now postfix.service >/dev/null 2>&1 || true
fi
service postfix stop >/dev/null 2>&1 || true
if command -v update-rc.d >/dev/null 2>&1; then
    update-rc.d postfix disable >/dev/null 2>&1 || true
fi

# The stock files the private instances copy.
for stock in /usr/share/postfix/main.cf.debian /usr/share/postfix/master.cf.dist /etc/postfix/postfix-files; do
    [ -f "$stock" ] || { echo "missing $stock: the postfix package is incomplete" >&2; exit 1; }
done
echo "postfix $(/usr/sbin/postconf -d -h mail_version)"
