/**
 * The audit keys of the test suite (test-only secrets, never used anywhere else). The harness
 * and every CLI child process get the same ones, as a deployment's processes share theirs.
 */
export const TEST_AUDIT_ENV = {
  AUDIT_HMAC_KEY: 'test:Va2r-heefF8LCi6NAFvI0eqo2vv3TJaIOD3ea_WZUUU',
  AUDIT_SIGNING_KEY: 'MC4CAQAwBQYDK2VwBCIEIETjtjf0wgmxTiNpx+w6Wj7RWtNsl/chY3DYyE4gnWUT',
} as const;
