// Lint rules. The one that matters most: planning and rendering stay pure, so they can be
// tested without the Pulumi engine and reviewed as plain functions of plain data.
import tseslint from "typescript-eslint";

const PURE_MESSAGE =
    "components/plan, components/render and components/policy are pure: no Pulumi or Tencent SDK imports. " +
    "Pass plain values in and return plain values; let a component in components/ do the Pulumi work.";

export default tseslint.config(
    { ignores: ["node_modules/", "dist/", "sdks/tencentcloud/bin/", "**/*.js", "**/*.mjs"] },
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        rules: {
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
            "@typescript-eslint/no-empty-object-type": "off",
            eqeqeq: ["error", "always"],
            "no-console": "off",
        },
    },
    {
        files: ["components/plan/**/*.ts", "components/render/**/*.ts", "components/policy/**/*.ts"],
        rules: {
            "no-restricted-imports": ["error", {
                patterns: [
                    { group: ["@pulumi/*", "@pulumi/**"], message: PURE_MESSAGE },
                    { group: ["**/sdks/**", "tencentcloud", "@tencentcloud_iac/*"], message: PURE_MESSAGE },
                    { group: ["../*", "!../plan", "!../plan/*", "!../render", "!../render/*"], message: PURE_MESSAGE },
                ],
            }],
            "no-restricted-syntax": ["error", {
                selector: "CallExpression[callee.name='require']",
                message: PURE_MESSAGE,
            }],
        },
    },
    {
        // The `kubeadm-ha-tencentcloud/plan` entry point loads without any Pulumi SDK.
        files: ["components/plan-api.ts"],
        rules: {
            "no-restricted-imports": ["error", {
                patterns: [
                    { group: ["@pulumi/*", "@pulumi/**"], message: PURE_MESSAGE },
                    { group: ["./*", "!./plan", "!./plan/*", "!./render", "!./render/*", "!./policy", "!./policy/*"], message: PURE_MESSAGE },
                ],
            }],
        },
    },
);
