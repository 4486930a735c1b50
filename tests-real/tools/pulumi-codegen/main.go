// Command pulumi-codegen generates one language's SDK from a Pulumi package schema with Pulumi's
// own code generators, the pkg/v3/codegen libraries that the pulumi-language-<lang> hosts call
// when `pulumi package gen-sdk` asks them (GeneratePackage). Used by the real-parts tier because
// the Go module proxy refuses the language hosts themselves.
//
// Usage: pulumi-codegen <python|go> <schema.json> <out dir>
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: pulumi-codegen <python|go> <schema.json> <out dir>")
		os.Exit(2)
	}
	lang, schemaPath, out := os.Args[1], os.Args[2], os.Args[3]
	if err := run(lang, schemaPath, out); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-codegen:", err)
		os.Exit(1)
	}
}

func run(lang, schemaPath, out string) error {
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noReferences{}, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("the schema does not bind: %s", diags.Error())
	}
	var files map[string][]byte
	switch lang {
	case "python":
		files, err = pygen.GeneratePackage("pulumi-codegen", pkg, nil, noReferences{})
	case "go":
		files, err = gogen.GeneratePackage("pulumi-codegen", pkg, nil)
	default:
		return fmt.Errorf("unknown language %q", lang)
	}
	if err != nil {
		return err
	}
	for name, content := range files {
		file := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(file, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// noReferences is the loader for a self-contained schema: the component's args name no type of
// another package (the analyzer test asserts it), so any reference is an error.
type noReferences struct{}

func (noReferences) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q; this generator loads no other package", pkg)
}

func (l noReferences) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}

func (l noReferences) LoadPackageReference(pkg string, v *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the schema refers to package %q; this generator loads no other package", pkg)
}

func (l noReferences) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, d.Version)
}
