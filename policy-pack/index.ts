// The CrossGuard pack served to `pulumi preview --policy-pack policy-pack`. Constructing it starts
// the policy server, so nothing else imports this file. Every policy accepts waivers.
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./policies";
import { withWaivers } from "./policies/policy-waivers";

new PolicyPack(POLICY_PACK_NAME, { policies: withWaivers(policies) });
