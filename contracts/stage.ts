// The one stage the program publishes; the deployed API's URL and the local stack's both end in it.
export const STAGE_NAME = "prod";
