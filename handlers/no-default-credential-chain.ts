// Stands in for @aws-sdk/credential-provider-node inside the handler bundles (infra/bundle.ts
// aliases the package to this file). Lambda gives a function its credentials in environment
// variables, and every client of the handlers is made with `credentials: fromEnv()`
// (handlers/aws-clients.ts), so the SDK never asks for its default chain: the chain's shared-file,
// SSO, process, web-identity, STS and metadata links, about 116 KiB of a bundle, stay out. A
// client made without credentials fails its calls with this error, and sends nothing.
const LEFT_OUT =
  "The SDK's default credential chain is left out of this bundle: " +
  "make the client with credentials: fromEnv() (handlers/aws-clients.ts)";

/** The package's one export the SDK clients import, with the same call shape. */
export const defaultProvider = () => async (): Promise<never> => {
  throw Object.assign(new Error(LEFT_OUT), { name: "CredentialsProviderError" });
};
