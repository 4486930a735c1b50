/** Kubernetes resource quantities ("1Mi", "512Ki", "2M", "1048576"), as bytes. */

const SUFFIX: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/;

export function quantityBytes(q: string): number | undefined {
  const m = QUANTITY.exec(q);
  if (!m) return undefined;
  return Math.ceil(parseFloat(m[1]) * SUFFIX[m[2] ?? ""]);
}

/** The smallest whole "Ki"/"Mi" quantity that holds `bytes`. */
export function bytesToQuantity(bytes: number): string {
  if (bytes % (1024 * 1024) === 0 || bytes >= 16 * 1024 * 1024) return `${Math.ceil(bytes / (1024 * 1024))}Mi`;
  return `${Math.ceil(bytes / 1024)}Ki`;
}
