import { fact, type Fact, type Obj } from "./describe";

/** At most this many inputs are listed for one remote component (the rest are counted). */
const MAX_LISTED = 24;

/**
 * What render can say about a remote component (awsx, eks, …): the component's own inputs, and
 * nothing of the resources its provider plugin makes from them at `pulumi up`, which never reach
 * the offline engine. `inputs` are the resolved inputs with Pulumi secrets already withheld; each
 * scalar is listed by its path (`networkConfiguration.subnets[0] = …`).
 */
export function describeRemoteComponent(type: string, inputs: Obj): Fact[] {
  const plugin = type.split(":")[0];
  const leaves: string[] = [];
  const walk = (v: unknown, at: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k);
    else if (v !== undefined && v !== null) leaves.push(`${at} = ${typeof v === "string" ? v : JSON.stringify(v)}`);
  };
  walk(inputs, "");
  const listed =
    leaves.length > MAX_LISTED ? [...leaves.slice(0, MAX_LISTED), `… and ${leaves.length - MAX_LISTED} more`] : leaves;
  return [
    fact(
      "remote component",
      `made at pulumi up by the ${plugin} plugin, which render does not run:`,
      "its resources are not shown, only its inputs (those known offline)",
    ),
    ...(listed.length ? [fact("inputs", ...listed)] : []),
  ];
}
