/** The environment the kubelet gives a container: plain values, and downward-API fields resolved from the pod. */
export function kubeletEnv(
  container: { env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[] },
  pod: { name: string; namespace: string },
): NodeJS.ProcessEnv {
  const fields: Record<string, string> = { "metadata.name": pod.name, "metadata.namespace": pod.namespace };
  const out: NodeJS.ProcessEnv = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) out[e.name] = e.value;
    else if (e.valueFrom?.fieldRef) {
      const v = fields[e.valueFrom.fieldRef.fieldPath];
      if (v === undefined) throw new Error(`${e.name}: the test does not resolve ${e.valueFrom.fieldRef.fieldPath}`);
      out[e.name] = v;
    } else throw new Error(`${e.name}: no value and no fieldRef`);
  }
  return out;
}
