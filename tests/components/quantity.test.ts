import assert from "node:assert/strict";
import { bytesToQuantity, quantityBytes } from "../../components/core/quantity";

const KI = 1024;
const MI = 1024 * 1024;

describe("quantity.ts: Kubernetes quantities as bytes, and back", () => {
  describe("quantityBytes", () => {
    it("reads the binary (Ki, Mi, Gi, Ti) and decimal (k, M, G, T) suffixes, and plain bytes", () => {
      assert.equal(quantityBytes("1048576"), MI);
      assert.equal(quantityBytes("512Ki"), 512 * KI);
      assert.equal(quantityBytes("1Mi"), MI);
      assert.equal(quantityBytes("2Gi"), 2 * 1024 ** 3);
      assert.equal(quantityBytes("1Ti"), 1024 ** 4);
      assert.equal(quantityBytes("1k"), 1000);
      assert.equal(quantityBytes("2M"), 2_000_000);
      assert.equal(quantityBytes("3G"), 3e9);
      assert.equal(quantityBytes("1T"), 1e12);
      assert.equal(quantityBytes("0"), 0);
      assert.equal(quantityBytes("0Mi"), 0);
    });

    it("reads a fraction, rounding up to a whole byte (a limit is never read smaller than written)", () => {
      assert.equal(quantityBytes("1.5Mi"), 1.5 * MI);
      assert.equal(quantityBytes("0.5Ki"), 512);
      assert.equal(quantityBytes("1.1"), 2);
      assert.equal(quantityBytes("0.001k"), 1);
      assert.equal(quantityBytes("1.0001Ki"), 1025);
    });

    // Kubernetes also takes exponents ("1e3"), milli ("1m") and P/E suffixes; a memory volume
    // never needs them, so they are refused here (with the field named) rather than half-read.
    for (const bad of [
      "",
      "Mi",
      "1K",
      "1 Mi",
      " 1Mi",
      "1Mi ",
      "-1Mi",
      "+1Mi",
      "1Mb",
      "1MiB",
      "1mi",
      "1Pi",
      "1Ei",
      "1P",
      "1m",
      "1e3",
      "1E6",
      ".5Mi",
      "1.Mi",
      "1,5Mi",
      "0x10",
      "1/2Mi",
    ]) {
      it(`refuses ${JSON.stringify(bad)} (undefined: the caller names the field)`, () => {
        assert.equal(quantityBytes(bad), undefined);
      });
    }
  });

  describe("bytesToQuantity: the smallest whole Ki or Mi quantity that holds the bytes", () => {
    const cases: [number, string][] = [
      [0, "0Mi"],
      [1, "1Ki"],
      [KI, "1Ki"],
      [KI + 1, "2Ki"],
      [MI - 1, "1024Ki"],
      [MI, "1Mi"],
      [MI + 1, "1025Ki"],
      [3 * MI, "3Mi"],
      [16 * MI - 1, "16384Ki"],
      // From 16Mi up, whole Mi (rounded up): a few KiB more is nothing next to the size.
      [16 * MI, "16Mi"],
      [16 * MI + 1, "17Mi"],
      [100 * MI + 4096, "101Mi"],
    ];
    for (const [bytes, q] of cases) {
      it(`${bytes} bytes -> ${q}`, () => assert.equal(bytesToQuantity(bytes), q));
    }

    it("round-trips: the quantity holds the bytes, and below 16Mi wastes less than 1 KiB", () => {
      for (const bytes of [
        1,
        1000,
        4096,
        65_537,
        MI - 7,
        MI + 4095,
        5 * MI + 3,
        16 * MI - KI - 1,
        16 * MI + 9,
        1024 ** 3 + 1,
      ]) {
        const back = quantityBytes(bytesToQuantity(bytes));
        assert.ok(back !== undefined && back >= bytes, `${bytes} -> ${bytesToQuantity(bytes)} -> ${back}`);
        if (bytes < 16 * MI)
          assert.ok(back - bytes < KI, `${bytes} -> ${bytesToQuantity(bytes)} wastes ${back - bytes}`);
        else assert.ok(back - bytes < MI, `${bytes} -> ${bytesToQuantity(bytes)} wastes ${back - bytes}`);
      }
    });
  });
});
