#!/usr/bin/env bash
# Builds the published modules twice from clean and compares every jar they make (classes, sources, Javadoc)
# byte for byte; fails naming the jars that differ. A published module is one whose POM does not set
# maven.deploy.skip to true (the parent's switch for what is not published).
set -euo pipefail
cd "$(dirname "$0")/.."

published=()
for module in $(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' pom.xml); do
  grep -q '<maven.deploy.skip>true</maven.deploy.skip>' "$module/pom.xml" || published+=("$module")
done
modules=$(IFS=,; echo "${published[*]}")

first=$(mktemp -d)
trap 'rm -rf "$first"' EXIT

build() {
  mvn -B -q clean package -DskipTests -pl "$modules" -am
}

build
for module in "${published[@]}"; do
  [ -d "$module/src/main/java" ] || continue
  # Central takes no jar without its sources and Javadoc jars
  for kind in sources javadoc; do
    compgen -G "$module/target/*-$kind.jar" > /dev/null || { echo "$module attaches no $kind jar" >&2; exit 1; }
  done
  mkdir -p "$first/$module"
  cp "$module"/target/*.jar "$first/$module/"
done
build

differ=()
compared=0
for module in "${published[@]}"; do
  [ -d "$first/$module" ] || continue
  for jar in "$first/$module"/*.jar; do
    name=$(basename "$jar")
    if [ ! -f "$module/target/$name" ] || [ "$(sha256sum < "$jar")" != "$(sha256sum < "$module/target/$name")" ]; then
      differ+=("$module/target/$name")
    fi
    compared=$((compared + 1))
  done
done

if [ "${#differ[@]}" -ne 0 ]; then
  echo "Not reproducible: two clean builds made different bytes in:" >&2
  printf '  %s\n' "${differ[@]}" >&2
  exit 1
fi
echo "Reproducible: $compared jars of ${published[*]} are identical in two clean builds."
