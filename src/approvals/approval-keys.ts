import { RedisKeys } from '../redis/redis.keys';

/**
 * The approval keys a script of another folder may name, to read and never to write, each for the
 * reason the ownership table in redis.keys.ts gives. Every other use of an approval key stays in this
 * folder; the record's content is decoded here too (ApprovalsService.recordOfDoc).
 */
export const approvalKeysForScripts = {
  /** One shard's `S:approval:`: polling's claim (claim-due-polls-2.lua) reads each claimed record's doc, so a poll costs no round trip of its own. */
  recordPrefix: (keys: RedisKeys, shard: number): string => keys.approvalPrefix(shard),
  /** One record: webhooks' delivery scripts read its PTTL only, so that a delivery lives exactly as long as its approval. */
  record: (keys: RedisKeys, approvalId: string): string => keys.approval(approvalId),
  /** One shard's pending index: polling's follow-pending-2.lua follows only approvals still in it, in the same step as the follow. */
  pendingIndex: (keys: RedisKeys, shard: number): string => keys.pendingApprovals(shard),
};
