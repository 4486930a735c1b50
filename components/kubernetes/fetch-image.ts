import * as pulumi from "@pulumi/pulumi";
import { DeclarationError } from "../core/declaration-error";
import type { SecretSetDeclaration } from "../core/secret-set";
import released from "./fetch-image.json";

/**
 * The fetch image this version of the library was released with. The release workflow stamps
 * `repository` and `digest` into fetch-image.json before packing; a checkout that was never
 * released holds `null`s, and then `fetch.image` is required: no pod runs an image nobody chose.
 */
export interface FetchImageRecord {
  /** Image repository (`<registry>/<path>`), or null when no release recorded one. */
  repository: string | null;
  /** Image digest (`sha256:<64 hex>`), or null when no release recorded one. */
  digest: string | null;
  /** The library version the image was released with. */
  version: string;
}

/** The fetch image recorded in this package's fetch-image.json. */
export const RELEASED_FETCH_IMAGE: FetchImageRecord = released;

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const DIGEST_REF = /@sha256:[0-9a-f]{64}$/;

/** Whether an image reference is pinned by digest (`repo@sha256:<64 hex>`, a tag before `@` allowed). */
export function isDigestPinned(image: string): boolean {
  return DIGEST_REF.test(image);
}

/** The default fetch image (`<repository>@sha256:…`), or undefined when no release recorded one. */
export function defaultFetchImage(record: FetchImageRecord = RELEASED_FETCH_IMAGE): string | undefined {
  if (!record.repository || !record.digest) return undefined;
  if (!DIGEST.test(record.digest))
    throw new Error(`fetch-image.json: digest "${record.digest}" is not sha256:<64 hex>`);
  return `${record.repository}@${record.digest}`;
}

/** The fetch container's image: `fetch.image`, else the released default. Throws DeclarationError if neither. */
export function fetchImageOf(
  decl: SecretSetDeclaration,
  record: FetchImageRecord = RELEASED_FETCH_IMAGE,
): pulumi.Input<string> {
  const image = decl.fetch.image ?? defaultFetchImage(record);
  if (image === undefined) {
    throw new DeclarationError(
      "fetch.image",
      `is required: this copy of secret-mount ${record.version} records no released fetch image. ` +
        "Build it from the npm package and push it to a registry your nodes pull from: " +
        "docker buildx build --platform linux/amd64,linux/arm64 --push -t <registry>/secret-mount-fetch:<version> node_modules/secret-mount/fetch-image " +
        "(in a clone of the repository, runtime-image/; see docs/fetch-image.md), " +
        'then pass the digest the push printed: fetch: { image: "<registry>/secret-mount-fetch@sha256:<digest>" }',
      decl.name,
    );
  }
  return image;
}

/**
 * Pull policy for an image: a digest names fixed bytes, so a cached copy is the same image
 * (`IfNotPresent`); a tag can move and a node may hold a copy this pod was never allowed to pull,
 * so the kubelet asks the registry every time (`Always`).
 */
export function pullPolicyOf(image: pulumi.Input<string>): pulumi.Input<string> {
  return pulumi.output(image).apply((i) => (isDigestPinned(i) ? "IfNotPresent" : "Always"));
}

/**
 * Warns once per image reference (fetch or app) that is not pinned by digest: it is checked when
 * the reference resolves, so an image from another resource's output is warned about too.
 */
export function warnUnpinnedImages(
  resource: pulumi.Resource,
  images: { field: string; image: pulumi.Input<string> }[],
): void {
  const warned = new Set<string>();
  for (const { field, image } of images) {
    const output = pulumi.output(image);
    // A secret reference is refused elsewhere (refuseSecret); it must not be printed here.
    pulumi.all([pulumi.isSecret(output), pulumi.unsecret(output)]).apply(([secret, i]) => {
      if (secret || typeof i !== "string" || isDigestPinned(i) || warned.has(i)) return;
      warned.add(i);
      pulumi.log.warn(
        `${field}: "${i}" is not pinned by digest; the registry can change what it names. ` +
          `Pin it as "<repository>@sha256:<digest>" (docker buildx imagetools inspect ${i} prints the digest).`,
        resource,
      );
    });
  }
}
