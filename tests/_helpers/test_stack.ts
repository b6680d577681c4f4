// Integration tests run functions on a private stack (own simulator + gateway, shared database).
export { startTestStack, type TestStack, waitForBackfill } from "../../local/stack/private_stack.ts";
