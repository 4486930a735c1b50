// A stand-in for monis.app/mlog v0.0.4, the logging package azure-workload-identity's webhook
// imports: the Go module proxy refuses that module (403 on its version list and on v0.0.4.zip).
// It carries only the API the webhook's two packages call (cmd/webhook, pkg/webhook), with mlog's
// level names and klog verbosities; it decides nothing about what the webhook injects.
module monis.app/mlog

go 1.23

require (
	github.com/go-logr/logr v1.4.2
	k8s.io/klog/v2 v2.130.1
)
