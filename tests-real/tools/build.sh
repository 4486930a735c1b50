#!/usr/bin/env bash
# Builds one real-parts tool from the Go module proxy into a cache outside the clone, keyed by
# version: ${XDG_CACHE_HOME:-$HOME/.cache}/secret-mount/tools/<name>-<version>/<binary>.
# A later run finds the binary and returns at once. Usage: build.sh <tool> [--cached-only]; prints
# the binary dir (--cached-only: fails at once when the tool is not in the cache).
# Tools: etcd, kube-apiserver, kube-controller-manager, kubelet, kube-scheduler, pause, containerd
# (with ctr and containerd-shim-runc-v2), runc, cni-plugins (bridge, host-local, loopback), busybox,
# kubelet-envfile (the kubelet's env-file parser), pulumi-codegen, pulumi, pulumi-language-nodejs,
# pulumi-resource-kubernetes, vault, amazon-eks-pod-identity-webhook, azure-workload-identity-webhook,
# moto (from PyPI: a Python venv with moto's server; bin/moto starts moto_server).
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
  kube-apiserver | kube-controller-manager | kubelet | kube-scheduler | pause | kubelet-envfile) version="$K8S_VERSION" ;;
  containerd) version="$CONTAINERD_VERSION" ;;
  runc) version="$RUNC_VERSION" ;;
  # Debian's packages: the version as a directory name (the epoch's ':' made '_').
  cni-plugins) version="deb-${CNI_PLUGINS_DEB_VERSION//:/_}" ;;
  busybox) version="deb-${BUSYBOX_DEB_VERSION//:/_}" ;;
  pulumi | pulumi-codegen) version="$PULUMI_CLI_VERSION" ;;
  pulumi-language-nodejs) version="$pulumi_version" ;;
  pulumi-resource-kubernetes) version="$KUBERNETES_PROVIDER_VERSION" ;;
  amazon-eks-pod-identity-webhook) version="$EKS_POD_IDENTITY_WEBHOOK_VERSION" ;;
  azure-workload-identity-webhook) version="$AZURE_WORKLOAD_IDENTITY_VERSION" ;;
  vault) version="$VAULT_VERSION" ;;
  # moto and every package it installs are pinned (moto-constraints.txt): the key holds both.
  moto) version="$MOTO_VERSION-$(sha256sum "$here/moto-constraints.txt" | cut -c1-8)" ;;
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
# A Debian package's files under $dir/pkg, unpacked from the .deb (no system install). The package
# lists may be missing on a new machine: refresh them once and retry.
deb_extract() {
  ( cd "$work" && { apt-get download "$1=$2" >&2 || { apt-get update >&2 && apt-get download "$1=$2" >&2; }; } )
  dpkg -x "$work"/"$1"_*.deb "$work/pkg"
}
case "$tool" in
  etcd)
    go mod init wrapper >/dev/null 2>&1
    go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2
    go build -trimpath -o "$dir/bin/etcd.tmp" go.etcd.io/etcd/server/v3 >&2
    ;;
  kube-apiserver | kube-controller-manager | kubelet | kube-scheduler | kubelet-envfile)
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
  pause)
    # Kubernetes' own sandbox binary, compiled from the C file in the k8s.io/kubernetes module,
    # static (the pause image holds this file only).
    go mod init wrapper >/dev/null 2>&1
    src="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')"
    gcc -Os -Wall -Werror -static -DVERSION="$K8S_VERSION" -o "$dir/bin/pause.tmp" "$src/build/pause/linux/pause.c" >&2
    strip "$dir/bin/pause.tmp"
    ;;
  containerd)
    go mod init wrapper >/dev/null 2>&1
    go mod edit -require="github.com/containerd/containerd/v2@$CONTAINERD_VERSION"
    go mod download "github.com/containerd/containerd/v2@$CONTAINERD_VERSION" >&2
    cv="github.com/containerd/containerd/v2/version"
    for cmd in ctr containerd-shim-runc-v2 containerd; do
      go build -trimpath -ldflags "-X $cv.Version=$CONTAINERD_VERSION" -o "$dir/bin/$cmd.tmp" "github.com/containerd/containerd/v2/cmd/$cmd" >&2
    done
    mv "$dir/bin/ctr.tmp" "$dir/bin/ctr"; mv "$dir/bin/containerd-shim-runc-v2.tmp" "$dir/bin/containerd-shim-runc-v2"
    ;;
  runc)
    # runc needs cgo and libseccomp (Debian's libseccomp-dev) for its seccomp filters.
    if ! pkg-config --exists libseccomp 2>/dev/null; then
      { apt-get install -y --no-install-recommends libseccomp-dev pkg-config || { apt-get update && apt-get install -y --no-install-recommends libseccomp-dev pkg-config; }; } >&2
    fi
    go mod init wrapper >/dev/null 2>&1
    go mod edit -require="github.com/opencontainers/runc@$RUNC_VERSION"
    go mod download "github.com/opencontainers/runc@$RUNC_VERSION" >&2
    CGO_ENABLED=1 go build -trimpath -tags seccomp -ldflags "-X main.version=${RUNC_VERSION#v}" -o "$dir/bin/runc.tmp" github.com/opencontainers/runc >&2
    ;;
  cni-plugins)
    deb_extract containernetworking-plugins "$CNI_PLUGINS_DEB_VERSION"
    for p in bridge host-local loopback; do cp "$work/pkg/usr/lib/cni/$p" "$dir/bin/$p"; done
    # The name build.sh looks for: a list of what is here.
    printf '#!/bin/sh\necho bridge host-local loopback\n' >"$dir/bin/cni-plugins.tmp"; chmod +x "$dir/bin/cni-plugins.tmp"
    ;;
  busybox)
    deb_extract busybox-static "$BUSYBOX_DEB_VERSION"
    cp "$work/pkg/bin/busybox" "$dir/bin/busybox.tmp"
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
  amazon-eks-pod-identity-webhook)
    mod=github.com/aws/amazon-eks-pod-identity-webhook
    go mod init wrapper >/dev/null 2>&1
    go mod edit -require="$mod@$EKS_POD_IDENTITY_WEBHOOK_VERSION"
    src="$(go mod download -json "$mod@$EKS_POD_IDENTITY_WEBHOOK_VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')"
    # Its registration as the project ships it (deploy/mutatingwebhook.yaml), beside the binary.
    cp "$src/deploy/mutatingwebhook.yaml" "$dir/bin/mutatingwebhook.yaml"
    go build -trimpath -ldflags "-X main.webhookVersion=$EKS_POD_IDENTITY_WEBHOOK_VERSION" -o "$dir/bin/$tool.tmp" "$mod" >&2
    ;;
  azure-workload-identity-webhook)
    mod=github.com/Azure/azure-workload-identity
    go mod init wrapper >/dev/null 2>&1
    go mod edit -require="$mod@$AZURE_WORKLOAD_IDENTITY_VERSION"
    src="$(go mod download -json "$mod@$AZURE_WORKLOAD_IDENTITY_VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')"
    # The release manifest the project ships (deploy/azure-wi-webhook.yaml: the namespace, RBAC,
    # config, Deployment and its MutatingWebhookConfiguration), beside the binary.
    cp "$src/deploy/azure-wi-webhook.yaml" "$dir/bin/azure-wi-webhook.yaml"
    # The proxy refuses its logging package, monis.app/mlog v0.0.4 (403): a stand-in with the API
    # the webhook calls (tools/azure-workload-identity-webhook/mlog; it logs, it decides nothing).
    cp -r "$here/azure-workload-identity-webhook/mlog" mlog
    go mod edit -replace=monis.app/mlog=./mlog
    # cmd/webhook is the image's /manager; the version stamps as the module's Makefile sets them
    # (the proxy sidecar's image, which the webhook injects only when a pod asks for it).
    v="$mod/pkg/version" w="$mod/pkg/webhook"
    nice -n 10 go build -trimpath -ldflags "-X $v.BuildVersion=$AZURE_WORKLOAD_IDENTITY_VERSION -X $w.ProxyImageVersion=$AZURE_WORKLOAD_IDENTITY_VERSION -X $w.ProxyImageRegistry=mcr.microsoft.com/oss/azure/workload-identity" \
      -o "$dir/bin/$tool.tmp" "$mod/cmd/webhook" >&2
    ;;
  vault)
    # The release's go.mod replaces its own sub-modules (api, sdk, api/auth/*) with local folders the
    # module zip does not hold: require the published ones instead, repeat its two third-party
    # replaces, and build a copy of the module with the three lines the published sdk needs changed.
    go mod init wrapper >/dev/null 2>&1
    src="$(go mod download -json "github.com/hashicorp/vault@$VAULT_VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')"
    cp -r "$src" vault-src
    chmod -R u+w vault-src
    # Each edit must find its old text exactly once, else the build stops naming the file.
    edit() {
      node -e '
        const fs = require("fs"), [file, from, to] = process.argv.slice(1);
        const text = fs.readFileSync(file, "utf8"), count = text.split(from).length - 1;
        if (count !== 1) {
          console.error(`vault ${process.env.VAULT_VERSION}: ${file}: expected the text to adapt exactly once, found it ${count} times: ${from}`);
          process.exit(1);
        }
        fs.writeFileSync(file, text.replace(from, () => to));
      ' "vault-src/$1" "$2" "$3"
    }
    export VAULT_VERSION
    # sdk v0.21.0: framework.Backend.ActivationFunc takes a third (string) argument.
    edit vault/identity_store.go "ActivationFunc: iStore.activateDeduplication," \
      "ActivationFunc: func(ctx context.Context, req *logical.Request, _ string) error { return iStore.activateDeduplication(ctx, req) },"
    edit vault/logical_system_activation_flags.go "b.idStoreBackend.ActivationFunc(ctx, nil)" "b.idStoreBackend.ActivationFunc(ctx, nil, \"\")"
    # sdk v0.21.0: keysutil.LockManager.RestorePolicy returns only an error (the key name is the one asked for).
    edit builtin/logical/transit/path_restore.go "restoredKeyName, err := b.lm.RestorePolicy(ctx, req.Storage, keyName, backupB64, force)" \
      "restoredKeyName, err := keyName, b.lm.RestorePolicy(ctx, req.Storage, keyName, backupB64, force)"
    go mod edit -require="github.com/hashicorp/vault@$VAULT_VERSION" -replace="github.com/hashicorp/vault=./vault-src"
    go mod edit -replace="github.com/hashicorp/vault/api=github.com/hashicorp/vault/api@$VAULT_API_VERSION" \
      -replace="github.com/hashicorp/vault/sdk=github.com/hashicorp/vault/sdk@$VAULT_SDK_VERSION" \
      -replace="github.com/hashicorp/vault/api/auth/approle=github.com/hashicorp/vault/api/auth/approle@$VAULT_API_AUTH_APPROLE_VERSION" \
      -replace="github.com/hashicorp/vault/api/auth/userpass=github.com/hashicorp/vault/api/auth/userpass@$VAULT_API_AUTH_USERPASS_VERSION" \
      -replace="github.com/hashicorp/vault/api/auth/kubernetes=github.com/hashicorp/vault/api/auth/kubernetes@$VAULT_API_AUTH_KUBERNETES_VERSION" \
      -replace="github.com/99designs/keyring=github.com/Jeffail/keyring@v1.2.3" \
      -replace="github.com/ma314smith/signedxml@v1.1.1=github.com/moov-io/signedxml@v1.1.1"
    nice -n 10 go build -trimpath -o "$dir/bin/vault.tmp" github.com/hashicorp/vault >&2
    ;;
  moto)
    # Not Go: moto's server from PyPI, in a Python 3.11 venv under $dir/venv (made anew: a build
    # stopped halfway leaves no half-installed venv behind for the next one).
    py="$(command -v python3.11 || command -v python3)"
    rm -rf "$dir/venv"
    "$py" -m venv "$dir/venv" >&2
    "$dir/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
      -c "$here/moto-constraints.txt" "moto[server]==$MOTO_VERSION" >&2
    printf '#!/bin/sh\nexec "%s/venv/bin/moto_server" "$@"\n' "$dir" >"$dir/bin/moto.tmp"
    chmod +x "$dir/bin/moto.tmp"
    ;;
esac
mv "$dir/bin/$tool.tmp" "$dir/bin/$tool"
echo "$(( $(date +%s) - start ))" >"$dir/build-seconds"
rm -rf "$work"
echo "$dir/bin"
