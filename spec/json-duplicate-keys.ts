/**
 * Finds a key that appears twice in one object of a JSON text. JSON.parse keeps the last value
 * without a word, so a hand-edited or concatenated FetchSpec could silently read another secret.
 * A scanner this small keeps the fetch bundle's entry small (the `yaml` package's `uniqueKeys`
 * parse would add ~115 KB to a ~17 KB entry); it expects text JSON.parse has already accepted.
 */

type Frame = { kind: "object"; keys: Set<string>; key?: string; expectKey: boolean } | { kind: "array"; index: number };

/** The path (as the FetchSpec parser names fields, e.g. `files[0].source.secretId`) of the first repeated key, or undefined. */
export function firstDuplicateKey(text: string): string | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (top?.kind === "object" && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return pathOf(stack.slice(0, -1), key);
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = j;
    } else if (c === "{") stack.push({ kind: "object", keys: new Set(), expectKey: true });
    else if (c === "[") stack.push({ kind: "array", index: 0 });
    else if (c === "}" || c === "]") stack.pop();
    else if (c === ",") {
      if (top?.kind === "object") top.expectKey = true;
      else if (top?.kind === "array") top.index++;
    }
  }
  return undefined;
}

function pathOf(outer: Frame[], key: string): string {
  let path = "";
  for (const f of outer) path += f.kind === "array" ? `[${f.index}]` : path ? `.${f.key}` : f.key;
  return path ? `${path}.${key}` : key;
}
