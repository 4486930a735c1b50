// Command pulumi-resource-kubernetes is Pulumi's real Kubernetes provider, built from the Go module
// github.com/pulumi/pulumi-kubernetes/provider/v4. The module's own main embeds schema-embed.json and
// terraform-mapping-embed.json, which its `go generate` step writes and the module does not ship;
// build.sh writes them from the schema.json and terraform-mapping.json the module does ship (the
// schema with its version set, both re-serialized compactly) beside this file.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
