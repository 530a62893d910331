#!/usr/bin/env bash
# Vendors Swagger UI (npm package swagger-ui-dist) under static/swagger-ui/: the files /docs
# serves, with the package's licence. Run it to change the version; the files are committed so
# that a build needs no network and /docs sends no request off the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-5.32.2}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "swagger-ui-dist@$version" --silent >/dev/null && tar xzf swagger-ui-dist-*.tgz)
integrity="$(npm view "swagger-ui-dist@$version" dist.integrity)"
got="sha512-$(openssl dgst -sha512 -binary "$work"/swagger-ui-dist-*.tgz | base64 -w0)"
[ "$integrity" = "$got" ] || { echo "FAIL: the tarball does not match the registry's integrity ($integrity)"; exit 1; }
dest=static/swagger-ui
mkdir -p "$dest"
for f in swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css LICENSE NOTICE; do
  cp "$work/package/$f" "$dest/$f"
done
echo "swagger-ui-dist $version $integrity" > "$dest/VERSION"
echo "vendored swagger-ui-dist $version"
