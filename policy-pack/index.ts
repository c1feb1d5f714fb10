// The CrossGuard pack served to `pulumi preview --policy-pack policy-pack`. Constructing it starts
// the policy server, so nothing else imports this file.
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, { policies });
