#!/usr/bin/env bash
# Builds the Pulumi CLI (`pulumi`) and the Node.js language host
# (`pulumi-language-nodejs`) from source through the Go module proxy, into a
# cache directory outside the repository. Prebuilt Pulumi downloads are not
# reachable from this project's machines, so this is the way to get a CLI.
#
# Usage:
#   bin=$(scripts/install-pulumi-cli.sh | tail -1)
#   export PATH="$bin:$PATH"
#
# Everything except the final bin dir goes to stderr, so stdout's last (and
# only) line is the directory holding `pulumi`, `pulumi-language-nodejs` and
# the Node.js shim `pulumi-resource-pulumi-nodejs` (dynamic providers).
#
# Environment:
#   PULUMI_CLI_VERSION              CLI version (default 3.274.1; `v` prefix optional)
#   PULUMI_NODEJS_HOST_SDK_VERSION  sdk/v3 version whose nodejs/cmd/pulumi-language-nodejs
#                                   package is built as the language host (default 3.68.0,
#                                   see the note below)
#   PULUMI_PERSONA_CLI_DIR          install dir (default
#                                   $HOME/.cache/pulumi-persona/pulumi-cli/<version>);
#                                   binaries go to <dir>/bin
#   PULUMI_CLI_FORCE_REBUILD=1      rebuild even if the cached binaries look right
#   CGO_ENABLED                     default 0 (static binaries, as Pulumi's releases)
#
# Note on the language host: since sdk v3.69.0 pulumi-language-nodejs lives in
# its own, never-tagged module
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3), which
# the Go module proxy reachable here refuses (403 for @v/list, @latest and any
# commit). sdk/v3 up to v3.68.0 still contains the package itself
# (github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs), so it is
# built from there, in a separate throwaway module so that it keeps the
# dependencies it was released with. Its gRPC protocol is still understood by
# the newer CLI and it launches @pulumi/pulumi's own `cmd/run` from the
# program's node_modules, so the Node.js SDK version is whatever the program
# installs. One thing it predates: RunPlugin, which this CLI uses to start a
# policy pack given as a directory (`--policy-pack DIR` fails with "could not
# read plugin [DIR]: not supported"). Give `--policy-pack` an executable file
# inside the pack instead, which the CLI runs directly with the engine address
# as $1, e.g. DIR/analyzer:
#   #!/bin/sh
#   d=$(cd "$(dirname "$0")" && pwd)
#   cd "$d" && exec node ./node_modules/@pulumi/pulumi/cmd/run-policy-pack "$1" "$d"
set -euo pipefail

log() { echo "[install-pulumi-cli] $*" >&2; }
die() { log "error: $*"; exit 1; }

version="${PULUMI_CLI_VERSION:-3.274.1}"
version="${version#v}"
host_sdk_version="${PULUMI_NODEJS_HOST_SDK_VERSION:-3.68.0}"
host_sdk_version="${host_sdk_version#v}"
dir="${PULUMI_PERSONA_CLI_DIR:-${HOME}/.cache/pulumi-persona/pulumi-cli/${version}}"
bin="${dir}/bin"

command -v go >/dev/null 2>&1 || die "go is not on PATH (expected /usr/local/go/bin)"

# Keep the CLI quiet and offline while we probe it.
export PULUMI_SKIP_UPDATE_CHECK=true

cached_ok() {
  local f
  for f in pulumi pulumi-language-nodejs pulumi-resource-pulumi-nodejs; do
    [[ -x "${bin}/${f}" ]] || return 1
  done
  local got
  got="$("${bin}/pulumi" version 2>/dev/null | tail -1)" || return 1
  [[ "${got}" == "v${version}" ]]
}

if [[ "${PULUMI_CLI_FORCE_REBUILD:-0}" != "1" ]] && cached_ok; then
  log "pulumi v${version} already installed"
  echo "${bin}"
  exit 0
fi

mkdir -p "${dir}"

# Serialise concurrent installs into the same dir.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${dir}/.lock"
  flock 9
  if [[ "${PULUMI_CLI_FORCE_REBUILD:-0}" != "1" ]] && cached_ok; then
    log "pulumi v${version} installed by a concurrent run"
    echo "${bin}"
    exit 0
  fi
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-cli-build.XXXXXX")"
stage="${dir}/bin.partial.$$"
cleanup() { rm -rf "${work}" "${stage}"; }
trap cleanup EXIT

export GOWORK=off
export GOFLAGS="-mod=mod -buildvcs=false"
export CGO_ENABLED="${CGO_ENABLED:-0}"

# Prints `-replace=old[@v]=new@v` flags for the non-local replace directives
# of a go.mod (a dependency's replaces are ignored by Go, so the throwaway
# main module has to restate them).
replace_flags() {
  awk '
    /^replace[ \t]*\($/ { inblock = 1; next }
    inblock && /^\)/ { inblock = 0; next }
    /^replace[ \t]/ { sub(/^replace[ \t]+/, ""); print_it($0); next }
    inblock { print_it($0) }
    function print_it(line,   n, f, lhs, rhs, i, arrow) {
      sub(/\/\/.*/, "", line)
      n = split(line, f, /[ \t]+/)
      arrow = 0; lhs = ""; rhs = ""
      for (i = 1; i <= n; i++) {
        if (f[i] == "") continue
        if (f[i] == "=>") { arrow = 1; continue }
        if (!arrow) lhs = lhs (lhs == "" ? "" : "@") f[i]
        else rhs = rhs (rhs == "" ? "" : "@") f[i]
      }
      if (rhs == "" || rhs ~ /^[.\/]/) return
      if (rhs !~ /@/) return
      print "-replace=" lhs "=" rhs
    }
  ' "$1"
}

# build_in_module NAME MODULE VERSION PACKAGE OUTPUT LDFLAGS_VERSION
build_in_module() {
  local name="$1" module="$2" modver="$3" pkg="$4" out="$5" ldver="$6"
  local mdir="${work}/${name}"
  mkdir -p "${mdir}"
  (
    cd "${mdir}"
    go mod init "pulumi-persona.local/${name}" >/dev/null 2>&1
    log "[${name}] resolving ${module}@v${modver}"
    local dl gomod
    if ! dl="$(go mod download -json "${module}@v${modver}")"; then
      die "could not download ${module}@v${modver} from the module proxy:" \
        "$(sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' <<<"${dl}")" \
        "(set PULUMI_CLI_VERSION to a served version)"
    fi
    gomod="$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p' <<<"${dl}")"
    [[ -f "${gomod}" ]] || die "no go.mod for ${module}@v${modver} in the module cache"
    local -a flags=()
    mapfile -t flags < <(replace_flags "${gomod}")
    # sdk/v3's own replaces apply to the CLI as well.
    if [[ "${module}" != "github.com/pulumi/pulumi/sdk/v3" ]]; then
      local sdkmod
      sdkmod="$(go mod download -json "github.com/pulumi/pulumi/sdk/v3@v${modver}" 2>/dev/null \
        | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')" || true
      if [[ -n "${sdkmod}" && -f "${sdkmod}" ]]; then
        local f
        while IFS= read -r f; do
          local old="${f#-replace=}"; old="${old%%=*}"; old="${old%@*}"
          if ! printf '%s\n' "${flags[@]+"${flags[@]}"}" | grep -q -- "^-replace=${old}[@=]"; then
            flags+=("${f}")
          fi
        done < <(replace_flags "${sdkmod}")
      fi
    fi
    if ((${#flags[@]})); then
      log "[${name}] restating replace directives: ${flags[*]}"
      go mod edit "${flags[@]}"
    fi
    go mod edit -require="${module}@v${modver}"
    log "[${name}] go get ${pkg}@v${modver}"
    go get "${pkg}@v${modver}" >&2
    log "[${name}] go build ${pkg}"
    go build -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${ldver}" \
      -o "${out}" "${pkg}" >&2
  )
}

start=$(date +%s)
rm -rf "${stage}"
mkdir -p "${stage}"

build_in_module cli github.com/pulumi/pulumi/pkg/v3 "${version}" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "${stage}/pulumi" "${version}"
build_in_module nodejs-host github.com/pulumi/pulumi/sdk/v3 "${host_sdk_version}" \
  github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs \
  "${stage}/pulumi-language-nodejs" "${host_sdk_version}"

# Pulumi's release tarball also ships this tiny shim, which runs the
# dynamic-provider plugin (needed by pulumi.dynamic.Resource) from the
# program's own node_modules/@pulumi/pulumi.
write_node_shim() {
  cat >"$1" <<SHIM
#!/bin/sh
# Generated by scripts/install-pulumi-cli.sh: runs @pulumi/pulumi/$2 from the cwd's node_modules.
script=\$(node -e "console.log(require.resolve('@pulumi/pulumi/$2'))") || exit 1
exec node "\$script" "\$@"
SHIM
  chmod +x "$1"
}
write_node_shim "${stage}/pulumi-resource-pulumi-nodejs" cmd/dynamic-provider

got="$("${stage}/pulumi" version | tail -1)"
[[ "${got}" == "v${version}" ]] || die "built pulumi reports '${got}', expected v${version}"

cat >"${stage}/VERSIONS" <<EOF
pulumi v${version} (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
pulumi-language-nodejs v${host_sdk_version} (github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
go $(go env GOVERSION) CGO_ENABLED=${CGO_ENABLED}
EOF

rm -rf "${bin}"
mv "${stage}" "${bin}"
log "built in $(($(date +%s) - start))s into ${bin}"
echo "${bin}"
