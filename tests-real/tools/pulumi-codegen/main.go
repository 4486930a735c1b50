// Command pulumi-codegen generates one language's SDK from a Pulumi package schema with Pulumi's
// own code generators, the pkg/v3/codegen libraries that the pulumi-language-<lang> hosts call
// when `pulumi package gen-sdk` asks them (GeneratePackage). Used by the real-parts tier because
// the Go module proxy refuses the language hosts themselves.
//
// Usage: pulumi-codegen <python|go> <schema.json> <out dir>
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

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
	pkg, diags, err := schema.BindSpec(spec, nil, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("the schema does not bind: %s", diags.Error())
	}
	var files map[string][]byte
	switch lang {
	case "python":
		files, err = pygen.GeneratePackage("pulumi-codegen", pkg, nil, nil)
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
