/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // Transpile only: the type check runs once, separately, as `tsc --noEmit`.
    "^.+\\.ts$": ["ts-jest", { tsconfig: { rootDir: ".", module: "commonjs" } }],
  },
  testTimeout: 30000,
  // Spies are put back before every test, so no file restores them itself.
  restoreMocks: true,
};
