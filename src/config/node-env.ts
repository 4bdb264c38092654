/** The only accepted values of NODE_ENV (contract v2); unset means development. */
export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];
