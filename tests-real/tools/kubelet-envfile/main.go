// kubelet-envfile reads env files with the kubelet's own parser (k8s.io/kubernetes
// pkg/kubelet/util/env ParseEnv, the function the kubelet calls for env[].valueFrom.fileKeyRef).
//
// Usage: kubelet-envfile <file> <key>... ; prints one JSON object per key on stdout:
// {"key":"K","found":true,"value":"…"} or {"key":"K","error":"…"}. "found" is what the kubelet
// decides: an empty result is "key not found" to it (kubelet_pods.go).
package main

import (
	"encoding/json"
	"fmt"
	"os"

	envutil "k8s.io/kubernetes/pkg/kubelet/util/env"
)

type result struct {
	Key   string `json:"key"`
	Found bool   `json:"found"`
	Value string `json:"value,omitempty"`
	Error string `json:"error,omitempty"`
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: kubelet-envfile <file> <key>...")
		os.Exit(2)
	}
	enc := json.NewEncoder(os.Stdout)
	for _, key := range os.Args[2:] {
		v, err := envutil.ParseEnv(os.Args[1], key)
		r := result{Key: key}
		if err != nil {
			r.Error = err.Error()
		} else {
			r.Found = v != ""
			r.Value = v
		}
		if err := enc.Encode(r); err != nil {
			os.Exit(1)
		}
	}
}
