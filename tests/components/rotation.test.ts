import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { SecretMountedWorkload, type SecretMountedWorkloadArgs } from "../../components";
import { DeclarationError } from "../../components/core/declaration-error";
import { rotationPeriodStart } from "../../components/values/secret-value";
import { aksArgs, AzureMocks, baseArgs, gkeArgs, mockWorkload } from "./mock-run";

const DAY = 86_400_000;
const REVISION = "secret-mount.io/revision";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const hash = (v: unknown) =>
  createHash("sha256")
    .update(JSON.stringify(v ?? null))
    .digest("hex")
    .slice(0, 12);
/** A Pulumi secret input under mocks arrives wrapped; the plain value otherwise. */
const plain = (v: unknown) =>
  v && typeof v === "object" && "value" in (v as object) ? (v as { value: unknown }).value : v;

/**
 * What the real providers do, reduced to what rotation relies on: random replaces a RandomPassword
 * whose keepers changed, so the result is new; each store gives a new value a new version (Secrets
 * Manager VersionId, Key Vault version, Secret Manager version number).
 */
class ProviderLikeMocks extends AzureMocks {
  override newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    const r = super.newResource(args);
    const i = args.inputs as Record<string, any>;
    if (args.type === "random:index/randomPassword:RandomPassword") r.state.result = `generated-${hash(i.keepers)}`;
    if (args.type === "aws:secretsmanager/secretVersion:SecretVersion") r.state.versionId = hash(plain(i.secretString));
    if (args.type === "gcp:secretmanager/secretVersion:SecretVersion")
      r.state.version = String(parseInt(hash(plain(i.secretData)), 16) % 100000);
    if (args.type === "azure-native:keyvault:Secret") {
      const props = r.state.properties as Record<string, string>;
      r.state.properties = { ...props, secretUriWithVersion: `${props.secretUri}/${hash(plain(i.properties?.value))}` };
    }
    return r;
  }
}

/** Runs `fn` with Date.now() reading `at` (the program reads the clock once per run, at `pulumi up`). */
async function at<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const real = Date.now;
  Date.now = () => ms;
  try {
    return await fn();
  } finally {
    Date.now = real;
  }
}

describe("rotation: generate.rotateEveryDays", () => {
  describe("the rotation period (pure)", () => {
    it("is the same all through one period and changes exactly at 00:00 UTC of the rotation date", () => {
      const seed = "proj/dev/shop-db";
      const start = Date.parse(`${rotationPeriodStart(Date.parse("2026-12-03T12:00:00Z"), 30, seed)}T00:00:00Z`);
      assert.equal(rotationPeriodStart(start, 30, seed), rotationPeriodStart(start + 30 * DAY - 1, 30, seed));
      const next = rotationPeriodStart(start + 30 * DAY, 30, seed);
      assert.notEqual(next, rotationPeriodStart(start + 30 * DAY - 1, 30, seed));
      assert.equal(Date.parse(`${next}T00:00:00Z`) - start, 30 * DAY, "periods are exactly rotateEveryDays long");
    });

    it("spreads secrets over the period by their names; a one-day period rotates every day", () => {
      const now = Date.parse("2026-12-03T12:00:00Z");
      const starts = new Set(Array.from({ length: 40 }, (_, i) => rotationPeriodStart(now, 30, `proj/dev/s${i}`)));
      assert.ok(starts.size > 10, `40 secrets start their periods on ${starts.size} different days`);
      assert.equal(rotationPeriodStart(now, 1, "x"), "2026-12-03");
      assert.equal(rotationPeriodStart(now + DAY, 1, "x"), "2026-12-04");
    });
  });

  describe("under mocks", () => {
    const rotating = (days = 30): SecretMountedWorkloadArgs["secrets"] => [
      { name: "db", generate: { type: "password", rotateEveryDays: days } },
    ];
    const revision = (w: Awaited<ReturnType<typeof mockWorkload>>) =>
      String(w.one(DEPLOYMENT).spec.template.metadata.annotations[REVISION]);
    const t0 = Date.parse("2026-12-03T12:00:00Z");

    for (const [platform, args] of [
      ["EKS", (s: SecretMountedWorkloadArgs["secrets"]) => baseArgs({ secrets: s })],
      ["AKS", (s: SecretMountedWorkloadArgs["secrets"]) => aksArgs({ secrets: s })],
      ["GKE", (s: SecretMountedWorkloadArgs["secrets"]) => gkeArgs({ secrets: s })],
    ] as const) {
      it(`${platform}: the password's keeper is its period; within it the pods keep their revision, after it the value, its version and the revision change`, async () => {
        const run = (ms: number) => at(ms, () => mockWorkload("shop", args(rotating()), new ProviderLikeMocks()));
        const a = await run(t0);
        const keeper = (w: typeof a) =>
          (w.one("random:index/randomPassword:RandomPassword").keepers as { rotation: string }).rotation;
        const start = Date.parse(`${keeper(a)}T00:00:00Z`);
        const sameDay = await run(start + 29 * DAY);
        const next = await run(start + 30 * DAY);
        assert.match(keeper(a), /^\d{4}-\d{2}-\d{2}$/);
        assert.equal(keeper(sameDay), keeper(a));
        assert.equal(revision(sameDay), revision(a), "no new version inside the period: the pods stay");
        assert.notEqual(keeper(next), keeper(a));
        assert.notEqual(revision(next), revision(a), "the new version rolls the pods");
      });
    }

    it("without rotateEveryDays nothing carries a keeper or a trigger, and the clock changes nothing", async () => {
      const run = (ms: number) => at(ms, () => mockWorkload("shop", baseArgs(), new ProviderLikeMocks()));
      const [a, b] = [await run(t0), await run(t0 + 400 * DAY)];
      assert.equal(a.one("random:index/randomPassword:RandomPassword").keepers, undefined);
      assert.equal(revision(a), revision(b));
    });

    it("a key pair is replaced through its replacement trigger (tls.PrivateKey has no keepers)", async () => {
      const triggers = new Map<string, unknown>();
      await pulumi.runtime.setMocks(new ProviderLikeMocks(), "proj", "dev", false);
      await at(t0, async () => {
        new SecretMountedWorkload(
          "shop",
          baseArgs({
            secrets: [
              { name: "tls", generate: { type: "ecdsa", rotateEveryDays: 90 } },
              { name: "plain", generate: { type: "rsa" } },
            ],
          }),
          {
            transformations: [
              (t) => {
                if (t.type === "tls:index/privateKey:PrivateKey") triggers.set(t.name, t.opts.replacementTrigger);
                return undefined;
              },
            ],
          },
        );
        await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
      });
      assert.equal(triggers.get("shop-tls-key"), rotationPeriodStart(t0, 90, "proj/dev/shop-tls"));
      assert.equal(triggers.get("shop-plain-key"), undefined);
    });

    it("GKE: the replaced version is abandoned, not destroyed, so it stays readable while pods move", async () => {
      const w = await mockWorkload(
        "shop",
        gkeArgs({ secrets: [...rotating(), { name: "once", generate: { type: "password" } }] }),
        new ProviderLikeMocks(),
      );
      const versions = w
        .all("gcp:secretmanager/secretVersion:SecretVersion")
        .map((r) => [r.name, r.inputs.deletionPolicy]);
      assert.deepEqual(versions.sort(), [
        ["shop-db-value", "ABANDON"],
        ["shop-once-value", undefined],
      ]);
    });
  });

  describe("validation", () => {
    for (const [given, why] of [
      [0, "zero"],
      [3651, "past ten years"],
      [1.5, "fractional"],
    ] as const) {
      it(`refuses rotateEveryDays ${given} (${why}) naming the field and the range`, async () => {
        await assert.rejects(
          mockWorkload(
            "shop",
            baseArgs({ secrets: [{ name: "db", generate: { type: "password", rotateEveryDays: given } }] }),
          ),
          (e: unknown) => {
            assert.ok(e instanceof DeclarationError);
            assert.equal(e.field, "secrets[0].generate.rotateEveryDays");
            assert.match(e.message, /use whole days from 1 to 3650/);
            return true;
          },
        );
      });
    }
  });
});
