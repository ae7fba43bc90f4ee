#!/usr/bin/env bash
# Makes Debian's Cyrus IMAP 3.6 (imapd, pop3d) and Courier IMAP 5.0 / Courier POP3 available beside Dovecot, for the
# interop tests in interop/ (CyrusServer, CourierServer; MAIL_INTEGRATOR_INTEROP=true).
#
# Debian's cyrus-imapd, cyrus-pop3d, courier-imap and courier-pop declare "Conflicts: imap-server" / "pop3-server",
# as dovecot-imapd and dovecot-pop3d do, and cyrus-common, courier-imap and courier-pop depend on an MTA
# (default-mta | mail-transport-agent). So:
#   - everything those packages need that does not conflict is installed with apt, as the packages declare it:
#     their libraries, courier-base (couriertcpd, couriertls, courierlogger), courier-authlib, courier-authdaemon,
#     courier-authlib-userdb (makeuserdb, userdbpw), sasl2-bin (saslpasswd2), gnutls-bin (certtool); no MTA;
#   - the packages themselves (cyrus-common, cyrus-imapd, cyrus-pop3d, courier-imap, courier-pop) are fetched with
#     "apt-get download" and unpacked with "dpkg-deb -x" into $PREFIX (/opt/mailintegrator-servers): their stock
#     binaries and their stock configuration files (etc/imapd.conf, etc/cyrus.conf, etc/courier/imapd, ...) exactly
#     as Debian ships them, unregistered with dpkg, so nothing conflicts with Dovecot and no maintainer script runs.
#     The test fixtures copy those stock files and change only what a private instance must change.
#   - the system user the cyrus-common maintainer script would create ("cyrus", group mail, also in group sasl) is
#     created the same way; Cyrus's master switches to it.
# No system-wide Cyrus or Courier service is configured or started: the tests start private instances.
# Idempotent; runs as root on Debian 12, non-interactive.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

PREFIX=${MAIL_INTEGRATOR_SERVERS:-/opt/mailintegrator-servers}
EXTRACTED="cyrus-common cyrus-imapd cyrus-pop3d courier-imap courier-pop"
STAMP="$PREFIX/.installed"

# a package mirror can fail for a moment: try a few times before giving up
retry() {
    local try
    for try in 1 2 3; do
        if "$@"; then
            return 0
        fi
        [ "$try" -lt 3 ] || return 1
        sleep 10
    done
}

# The first alternative of each dependency of a .deb, as an apt argument (name, or name=version for "="), leaving
# out the MTA, virtual packages that another alternative satisfies, and the packages unpacked into $PREFIX.
deps_of() {
    local deb=$1 field group first name version
    for field in Pre-Depends Depends; do
        dpkg-deb -f "$deb" "$field" | tr ',' '\n' | while read -r group; do
            [ -n "$group" ] || continue
            case "$group" in
                *default-mta*|*mail-transport-agent*) continue ;;
            esac
            first=${group%%|*}
            name=$(echo "$first" | sed -E 's/\(.*\)//; s/:any//; s/[[:space:]]//g')
            case " $EXTRACTED " in *" $name "*) continue ;; esac
            version=$(echo "$first" | sed -nE 's/.*\(= ([^)]*)\).*/\1/p')
            if [ -n "$version" ]; then
                echo "$name=$version"
            else
                echo "$name"
            fi
        done
    done
}

up_to_date() {
    [ -f "$STAMP" ] || return 1
    local binary
    for binary in usr/lib/cyrus/bin/master usr/lib/cyrus/bin/imapd usr/lib/cyrus/bin/pop3d usr/bin/imapd \
        usr/lib/courier/courier/imaplogin usr/lib/courier/courier/courierpop3login usr/lib/courier/courier/courierpop3d
    do
        [ -x "$PREFIX/$binary" ] || return 1
    done
    local tool
    for tool in /usr/sbin/saslpasswd2 /usr/sbin/makeuserdb /usr/sbin/couriertcpd /usr/bin/couriertls \
        /usr/sbin/authdaemond; do
        [ -x "$tool" ] || return 1
    done
    # the unpacked Courier servers must match the installed courier-base (they depend on it with "=")
    [ "$(grep '^courier-base ' "$STAMP" | cut -d' ' -f2)" = "$(dpkg-query -W -f='${Version}' courier-base 2>/dev/null)" ]
}

if ! up_to_date; then
    # Keep maintainer scripts from starting system-wide services (courier-authdaemon, saslauthd, ...).
    policy=/usr/sbin/policy-rc.d
    created_policy=false
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy"
        chmod 755 "$policy"
        created_policy=true
    fi
    work=$(mktemp -d)
    trap '$created_policy && rm -f "$policy"; rm -rf "$work"' EXIT
    chmod 755 "$work" # apt's download user (_apt) writes there

    retry apt-get update -q
    (cd "$work" && retry apt-get download -q $EXTRACTED)

    wanted="sasl2-bin db-util gnutls-bin courier-authdaemon courier-authlib-userdb"
    for deb in "$work"/*.deb; do
        wanted="$wanted $(deps_of "$deb" | tr '\n' ' ')"
    done
    wanted=$(echo "$wanted" | tr ' ' '\n' | sed '/^$/d' | sort -u | tr '\n' ' ')
    retry apt-get install -y -q --no-install-recommends $wanted

    # a fresh prefix every time: no file of an older version stays behind
    rm -rf "$PREFIX.new"
    mkdir -p "$PREFIX.new"
    for deb in "$work"/*.deb; do
        dpkg-deb -x "$deb" "$PREFIX.new"
        echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" >> "$PREFIX.new/.installed"
    done
    echo "courier-base $(dpkg-query -W -f='${Version}' courier-base)" >> "$PREFIX.new/.installed"
    rm -rf "$PREFIX"
    mv "$PREFIX.new" "$PREFIX"
fi

# The user cyrus-common's maintainer script creates: Cyrus's processes run as "cyrus" (group mail), and it reads the
# SASL secrets as a member of group sasl.
if ! getent passwd cyrus >/dev/null; then
    adduser --quiet --system --ingroup mail --home /var/spool/cyrus --shell /bin/sh --no-create-home \
        --disabled-password --disabled-login --gecos "Cyrus Mailsystem User" cyrus
fi
if getent group sasl >/dev/null && ! id -nG cyrus | tr ' ' '\n' | grep -qx sasl; then
    adduser --quiet cyrus sasl
fi

# Whatever started them (an earlier install, a boot), system-wide services from these packages must not run.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now courier-authdaemon.service saslauthd.service >/dev/null 2>&1 || true
fi
for service in courier-authdaemon saslauthd; do
    service "$service" stop >/dev/null 2>&1 || true
    if command -v update-rc.d >/dev/null 2>&1; then
        update-rc.d "$service" disable >/dev/null 2>&1 || true
    fi
done

# No MTA came in with them (.ci/install-postfix.sh installs Postfix, afterwards, for its own tests).
if dpkg-query -W -f='${Status} ${Package}\n' exim4-base sendmail-bin 2>/dev/null | grep -q '^install ok'; then
    echo "note: an MTA is installed on this machine (not by this script)" >&2
fi

# Every unpacked program the tests run finds its libraries (cyrus-common's own libcyrus*.so.0 are unpacked too).
libdir=$(dirname "$(find "$PREFIX/usr/lib" -name 'libcyrus.so.0' | head -1)")
missing=$(for binary in "$PREFIX"/usr/lib/cyrus/bin/* "$PREFIX/usr/bin/imapd" "$PREFIX"/usr/lib/courier/courier/*; do
    if head -c 4 "$binary" | grep -q ELF; then
        LD_LIBRARY_PATH="$libdir" ldd "$binary" 2>/dev/null | grep 'not found' | sed "s|^|$binary: |" || true
    fi
done)
if [ -n "$missing" ]; then
    echo "libraries missing for the unpacked servers:" >&2
    echo "$missing" >&2
    exit 1
fi

sed 's/^/unpacked: /' "$PREFIX/.installed"
