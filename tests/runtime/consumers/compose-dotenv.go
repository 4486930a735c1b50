// Reads an env file exactly as Docker Compose reads a service's env_file (compose-go's
// dotenv.GetEnvFromFile, with the process environment for interpolation) and prints the
// variables as JSON. Built by tests/runtime/consumers/dotenv-consumers.ts.
package main

import (
	"encoding/json"
	"os"
	"strings"

	"github.com/compose-spec/compose-go/v2/dotenv"
)

func main() {
	current := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			current[k] = v
		}
	}
	vars, err := dotenv.GetEnvFromFile(current, os.Args[1:])
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	_ = json.NewEncoder(os.Stdout).Encode(vars)
}
