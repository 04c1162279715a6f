// ESLint (flat config): the site's search modules, their Node tests and the browser test.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", "site/", ".kb/", "**/vendor/", ".venv/", "build/"] },
  js.configs.recommended,
  {
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }],
      eqeqeq: ["error", "always"],
      "no-var": "error",
      "prefer-const": "error",
    },
  },
  {
    files: ["indexer/site/js/**/*.js"],
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: { ...globals.browser } },
  },
  {
    files: ["tests/**/*.mjs", "tests/**/*.js", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: { ...globals.node } },
  },
  {
    // page.evaluate callbacks run in the browser
    files: ["tests/browser/**/*.mjs"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // a classic script for Material's pages (document$ is Material's page-change observable)
    files: ["docs/assets/**/*.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.browser, document$: "readonly" } },
    rules: { "no-var": "off" },
  },
];
