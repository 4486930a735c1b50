import * as pulumi from "@pulumi/pulumi";

/**
 * Mocks that run resource transforms as the engine does, around mocks that do not: the resource's
 * own `transforms`, then the stack's (`registerResourceTransform`), each seeing the previous one's
 * result; Outputs in the returned props are resolved before the inner mocks record the inputs.
 * Pulumi's mock monitor hands both kinds over but runs neither. A component's transforms, which the
 * engine also runs for its children, are not visible to mocks (the monitor passes no parent chain).
 */
export function withTransforms<M extends pulumi.runtime.Mocks>(inner: M): pulumi.runtime.Mocks & { inner: M } {
  const stack: pulumi.ResourceTransform[] = [];
  return {
    inner,
    call: (args) => inner.call(args),
    registerTransform: (t) => {
      stack.push(t);
    },
    async newResource(args) {
      let props: Record<string, unknown> = args.inputs;
      let opts: pulumi.ResourceOptions = {};
      for (const t of [...(args.transforms ?? []), ...stack]) {
        const r = await t({ type: args.type, name: args.name, custom: args.custom ?? true, props, opts });
        if (r) {
          props = r.props as Record<string, unknown>;
          opts = r.opts;
        }
      }
      // Output's own promise (internal, not typed): resolves unknowns too, where `apply` would never run.
      const resolved =
        props === args.inputs
          ? props
          : await (pulumi.output(props) as unknown as { promise(): Promise<unknown> }).promise();
      const inputs = (resolved ?? {}) as Record<string, unknown>;
      return inner.newResource({ ...args, inputs });
    },
  };
}
