// cluster-key-slot (the CRC16 slot function ioredis routes by) ships without declarations.
declare module 'cluster-key-slot' {
  /** The Redis Cluster slot of a key, honouring its hash tag. */
  export default function calculateSlot(key: string): number;
}
