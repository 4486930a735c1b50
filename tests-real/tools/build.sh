#!/usr/bin/env bash
# Builds one real-parts tool from the Go module proxy into a cache outside the clone, keyed by
# version: ${XDG_CACHE_HOME:-$HOME/.cache}/secret-mount/tools/<name>-<version>/<binary>.
# A later run finds the binary and returns at once. Usage: build.sh <tool> [--cached-only]; prints
# the binary dir (--cached-only: fails at once when the tool is not in the cache).
# Tools: etcd, kube-apiserver, kube-controller-manager, kubelet-envfile, pulumi-codegen, pulumi, pulumi-language-nodejs, pulumi-resource-kubernetes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.env
. "$here/versions.env"
root="$(cd "$here/../.." && pwd)"
pulumi_version="v$(node -p 'require(process.argv[1]).version' "$root/node_modules/@pulumi/pulumi/package.json")"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/secret-mount/tools"
tool="$1"

case "$tool" in
  etcd) version="$ETCD_VERSION" ;;
  kube-apiserver | kube-controller-manager | kubelet-envfile) version="$K8S_VERSION" ;;
  pulumi | pulumi-codegen) version="$PULUMI_CLI_VERSION" ;;
  pulumi-language-nodejs) version="$pulumi_version" ;;
  pulumi-resource-kubernetes) version="$KUBERNETES_PROVIDER_VERSION" ;;
  *) echo "unknown tool: $tool" >&2; exit 2 ;;
esac
dir="$cache/$tool-$version"
if [ -x "$dir/bin/$tool" ]; then echo "$dir/bin"; exit 0; fi
if [ "${2:-}" = "--cached-only" ]; then echo "$tool $version is not in $cache" >&2; exit 3; fi
# One build per tool at a time (parallel test runs, CI and a developer): wait, then re-check.
mkdir -p "$cache"
exec 9>"$dir.lock"
flock 9
if [ -x "$dir/bin/$tool" ]; then echo "$dir/bin"; exit 0; fi

work="$dir/src"
rm -rf "$work"; mkdir -p "$work" "$dir/bin"
cd "$work"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
start=$(date +%s)
case "$tool" in
  etcd)
    go mod init wrapper >/dev/null 2>&1
    go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2
    go build -trimpath -o "$dir/bin/etcd.tmp" go.etcd.io/etcd/server/v3 >&2
    ;;
  kube-apiserver | kube-controller-manager | kubelet-envfile)
    minor="${K8S_VERSION#v1.}"
    go mod init wrapper >/dev/null 2>&1
    # k8s.io/kubernetes requires its staging modules at v0.0.0 with local replaces; replace each
    # with the published v0.<minor>.<patch> so the proxy can serve it.
    curl_mod="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).GoMod))')"
    go mod edit -require="k8s.io/kubernetes@$K8S_VERSION"
    for m in $(grep -Eo '^\s+k8s\.io/[a-z0-9-]+ v0\.0\.0$' "$curl_mod" | awk '{print $1}'); do
      go mod edit -replace="$m@v0.0.0=$m@v0.$minor"
    done
    if [ "$tool" = kubelet-envfile ]; then
      # The kubelet's own env-file parser (pkg/kubelet/util/env), called on files the fetcher wrote.
      cp "$here/kubelet-envfile/main.go" .
      go build -trimpath -o "$dir/bin/$tool.tmp" . >&2
    else
      # The version the server reports (/version, Pod Security's "latest"), as Kubernetes' own build stamps it.
      kv="k8s.io/component-base/version"
      go build -trimpath -ldflags "-X $kv.gitVersion=$K8S_VERSION -X $kv.gitMajor=1 -X $kv.gitMinor=${minor%%.*} -X $kv.gitTreeState=clean" \
        -o "$dir/bin/$tool.tmp" "k8s.io/kubernetes/cmd/$tool" >&2
    fi
    ;;
  pulumi-codegen)
    go mod init wrapper >/dev/null 2>&1
    cp "$here/pulumi-codegen/main.go" .
    go mod edit -require="github.com/pulumi/pulumi/pkg/v3@$PULUMI_CLI_VERSION"
    go build -trimpath -o "$dir/bin/pulumi-codegen.tmp" . >&2
    ;;
  pulumi)
    go mod init wrapper >/dev/null 2>&1
    go mod edit -require="github.com/pulumi/pulumi/pkg/v3@$PULUMI_CLI_VERSION"
    # pkg/v3's own go.mod replaces sdk/v3 with ../sdk and clipboard with a fork: repeat them here.
    go mod edit -replace="github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e"
    go build -trimpath -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_CLI_VERSION" \
      -o "$dir/bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
    ;;
  pulumi-language-nodejs)
    go mod init wrapper >/dev/null 2>&1
    # The host module has no tags of its own: only a pseudo-version at the release's commit.
    go get "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$PULUMI_NODEJS_HOST_VERSION" >&2
    go mod edit -replace="github.com/pulumi/pulumi/sdk/v3=github.com/pulumi/pulumi/sdk/v3@$pulumi_version"
    go build -trimpath -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pulumi_version" \
      -o "$dir/bin/pulumi-language-nodejs.tmp" github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 >&2
    ;;
  pulumi-resource-kubernetes)
    mod=github.com/pulumi/pulumi-kubernetes/provider/v4
    go mod init wrapper >/dev/null 2>&1
    go mod edit -require="$mod@$KUBERNETES_PROVIDER_VERSION"
    src="$(go mod download -json "$mod@$KUBERNETES_PROVIDER_VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')"
    # What the module's `go generate` (cmd/pulumi-resource-kubernetes/generate.go) would write.
    node -e '
      const fs = require("fs"), [src, version] = process.argv.slice(1);
      const schema = JSON.parse(fs.readFileSync(`${src}/cmd/pulumi-resource-kubernetes/schema.json`, "utf8"));
      schema.version = version;
      fs.writeFileSync("schema-embed.json", JSON.stringify(schema));
      fs.writeFileSync("terraform-mapping-embed.json", JSON.stringify(JSON.parse(fs.readFileSync(`${src}/cmd/pulumi-resource-kubernetes/terraform-mapping.json`, "utf8"))));
    ' "$src" "${KUBERNETES_PROVIDER_VERSION#v}"
    cp "$here/pulumi-resource-kubernetes/main.go" .
    go build -trimpath -ldflags "-X $mod/pkg/version.Version=${KUBERNETES_PROVIDER_VERSION#v}" \
      -o "$dir/bin/pulumi-resource-kubernetes.tmp" . >&2
    ;;
esac
mv "$dir/bin/$tool.tmp" "$dir/bin/$tool"
echo "$(( $(date +%s) - start ))" >"$dir/build-seconds"
rm -rf "$work"
echo "$dir/bin"
