import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";
import globals from "globals";

export default tseslint.config(
  { ignores: ["node_modules/", "**/node_modules/", "dist/", "build/", "coverage/", "reports/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // The contracts are facts shared by the program, the handlers and the local stack: no cloud
    // provider (and nothing of the project) may come into them.
    files: ["contracts/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@pulumi/*"], message: "contracts/ stays provider-free." },
            { group: ["../*"], message: "contracts/ imports nothing of the project." },
          ],
        },
      ],
    },
  },
  prettier,
);
