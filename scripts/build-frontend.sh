#!/usr/bin/env bash
# Rebuild the vendored front end in src/oversight/web/static/vendor/ (maintainers only).
#
# CI and users never run this: the built files are committed, so nobody else needs node.
# Needs node >= 18 and npm. Builds in a throw-away folder outside the repository, then
# replaces the vendored files. Review the diff (git diff --stat) and commit it.
#
#   scripts/build-frontend.sh            # the pinned versions below
#   GOVUK_FRONTEND=6.6.0 scripts/build-frontend.sh   # try another version of one package
#
# When a version changes: update static/vendor/README.md and docs/decisions/0002-dependencies.md,
# then run the web tests (tests/web) and look at /design/.
set -euo pipefail

GOVUK_FRONTEND=${GOVUK_FRONTEND:-6.6.0}
MOJ_FRONTEND=${MOJ_FRONTEND:-11.1.0}
SASS=${SASS:-1.108.2}
HTMX=${HTMX:-2.0.11}
AXE_CORE=${AXE_CORE:-4.14.1}

REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT="$REPO/src/oversight/web/static/vendor"
BUILD=$(mktemp -d "${TMPDIR:-/tmp}/oversight-frontend.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT

cd "$BUILD"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --save-exact \
  "govuk-frontend@$GOVUK_FRONTEND" "@ministryofjustice/frontend@$MOJ_FRONTEND" \
  "sass@$SASS" "htmx.org@$HTMX" "axe-core@$AXE_CORE" >/dev/null

# One stylesheet. MOJ's base module configures GOV.UK Frontend, so the font and the asset path
# are set there (setting $govuk-* afterwards fails with "module already loaded").
# - Font: Arial. Oversight is not on GOV.UK, so no GDS Transport (and no @font-face at all).
# - Assets: "../" makes url(../images/...) relative to the stylesheet (static/vendor/css/), i.e.
#   static/vendor/images/, which works under any STATIC_URL and with hashed (manifest) static storage.
cat > oversight.scss <<'SCSS'
@use "node_modules/@ministryofjustice/frontend/moj/base" with (
  $moj-font-family: (arial, sans-serif),
  $moj-assets-path: "../"
);
@use "node_modules/govuk-frontend/dist/govuk";
@use "node_modules/@ministryofjustice/frontend/moj/all";
SCSS
npx --no-install sass --load-path=. --no-source-map --style=compressed --quiet-deps --quiet \
  oversight.scss oversight-frontend.min.css

if grep -q "GDS Transport" oversight-frontend.min.css; then
  echo "build-frontend: the CSS still names GDS Transport; the font override did not apply" >&2
  exit 1
fi

rm -rf "$OUT/css" "$OUT/js" "$OUT/images"
mkdir -p "$OUT/css" "$OUT/js" "$OUT/images"
cp oversight-frontend.min.css "$OUT/css/"

# ES module builds (init.js imports initAll from them). Source maps are not shipped, so drop the
# sourceMappingURL comments (hashed static storage would fail on the missing .map files).
strip_map() { sed -e 's|//# sourceMappingURL=[^ ]*$||' "$1" > "$2"; }
strip_map node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$OUT/js/govuk-frontend.min.js"
strip_map node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js "$OUT/js/moj-frontend.min.js"
strip_map node_modules/htmx.org/dist/htmx.min.js "$OUT/js/htmx.min.js"
strip_map node_modules/axe-core/axe.min.js "$OUT/js/axe.min.js"

# Images: exactly those the stylesheet refers to, from MOJ's or GOV.UK's images folder.
for name in $(grep -o 'url("\{0,1\}\.\./images/[^")]*' oversight-frontend.min.css | sed 's|.*images/||' | sort -u); do
  if [ "$name" = "govuk-crest.svg" ]; then
    # GOV.UK branding (the footer's Crown copyright crest, .govuk-footer__copyright-logo), which
    # Oversight must not show. An empty image keeps collectstatic's URL check satisfied.
    printf '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n' > "$OUT/images/$name"
  elif [ -f "node_modules/@ministryofjustice/frontend/moj/assets/images/$name" ]; then
    cp "node_modules/@ministryofjustice/frontend/moj/assets/images/$name" "$OUT/images/"
  elif [ -f "node_modules/govuk-frontend/dist/govuk/assets/images/$name" ]; then
    cp "node_modules/govuk-frontend/dist/govuk/assets/images/$name" "$OUT/images/"
  else
    echo "build-frontend: the CSS needs images/$name, found in neither package" >&2
    exit 1
  fi
done

# Licences of what is vendored: the packages' own files where they ship one, else their
# package.json licence (govuk-frontend and MOJ Frontend: MIT, Crown copyright; axe-core: MPL-2.0).
mkdir -p "$OUT/licences"
for pkg in govuk-frontend @ministryofjustice/frontend htmx.org axe-core; do
  dest="$OUT/licences/$(basename "$pkg").txt"
  [ "$pkg" = "@ministryofjustice/frontend" ] && dest="$OUT/licences/moj-frontend.txt"
  if [ -f "node_modules/$pkg/LICENSE" ]; then
    cp "node_modules/$pkg/LICENSE" "$dest"
  else
    node -e 'const p=require(process.argv[1]); console.log(`${p.name} ${p.version}: ${p.license} licence (see ${p.homepage || p.repository?.url || p.name}).`)' \
      "$PWD/node_modules/$pkg/package.json" > "$dest"
  fi
done

echo "build-frontend: govuk-frontend $GOVUK_FRONTEND, @ministryofjustice/frontend $MOJ_FRONTEND," \
     "sass $SASS, htmx.org $HTMX, axe-core $AXE_CORE"
du -sh "$OUT"
