// Entry point for Pulumi's component analyzer and the `pulumi package add` plugin host: both look
// for an `index.ts` at the package root when `main` names compiled JavaScript. npm users get
// dist/components/index.js (package.json `main`/`exports`).
export * from "./components";
