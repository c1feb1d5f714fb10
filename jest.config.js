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
};
