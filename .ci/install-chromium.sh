#!/usr/bin/env bash
# Installs Debian's chromium and chromium-driver, for the help-desk page's browser test in cli/ (HelpDeskPageIT, run
# with MAIL_INTEGRATOR_BROWSER=true): Selenium drives /usr/bin/chromium headless through /usr/bin/chromedriver, so
# nothing is downloaded at test time. Idempotent; runs as root on Debian 12, non-interactive.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
/usr/bin/chromedriver --version
