#!/usr/bin/env bash
# Records the exported API of the current build as the baseline the build compares against.
# Run after `mvn -B install -DskipTests` when an API release is cut (and only then): it replaces
# api-baseline/repository with the exported packages of each API bundle, without their internal
# packages, under the version given (the next 0.0.N-api).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=${1:?usage: api-baseline/record.sh VERSION, the next 0.0.N-api (see README.md)}
modules=(bundles/api bundles/device-driver-api bundles/device-manager bundles/eventbus bundles/dmi-api
         bundles/mesh-api bundles/manifests bundles/pod-api cloud-bridge/bridge-api)
repository="$root/api-baseline/repository"
rm -rf "$repository"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for module in "${modules[@]}"; do
    artifact=$(sed -n 's:^  <artifactId>\(.*\)</artifactId>:\1:p' "$root/$module/pom.xml" | head -1)
    jar=$(ls "$root/$module"/target/"$artifact"-*.jar | grep -v -e '-tests.jar' -e '-sources.jar' | head -1)
    cp "$jar" "$work/$artifact.jar"
    # the baseline holds the exported API only
    zip -q -d "$work/$artifact.jar" '*/internal/*' >/dev/null 2>&1 || true
    mvn -B -q install:install-file -Dfile="$work/$artifact.jar" -DgroupId=io.karedge -DartifactId="$artifact" \
        -Dversion="$version" -Dpackaging=jar -DgeneratePom=true -DlocalRepositoryPath="$repository"
    echo "baseline: io.karedge:$artifact:$version ($(stat -c %s "$work/$artifact.jar") bytes)"
done
find "$repository" -name '_remote.repositories' -o -name 'maven-metadata-local.xml' | xargs -r rm -f
find "$repository" -type f \( -name '*.jar' -o -name '*.pom' \) | while read -r file; do
    sha1sum "$file" | cut -d' ' -f1 > "$file.sha1"
    md5sum "$file" | cut -d' ' -f1 > "$file.md5"
done
