import { describe, expect, it } from 'vitest';
import { subreg } from '../support/cli.js';
import { createHarness, makeTenant } from '../support/harness.js';

describe('subreg webhooks list|add|remove', () => {
  it('adds (secret printed once), lists, refuses private URLs and unknown events, removes', async () => {
    // The workspace is made in-process (one CLI start less: each costs seconds).
    const h = await createHarness();
    const slug = await makeTenant(h)
      .then((t) => t.tenant.slug)
      .finally(() => h.close());

    const added = await subreg([
      '--json',
      'webhooks',
      'add',
      '--tenant',
      slug,
      '--url',
      'https://93.184.216.34/hooks',
    ]);
    expect(added.code, added.stderr).toBe(0);
    const endpoint = JSON.parse(added.stdout);
    expect(endpoint).toMatchObject({ url: 'https://93.184.216.34/hooks', events: ['version.published'] });
    expect(endpoint.secret).toMatch(/^whsec_/);

    const listed = await subreg(['webhooks', 'list', '--tenant', slug]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(endpoint.id);
    expect(listed.stdout).not.toContain(endpoint.secret);

    const refused = await subreg(['webhooks', 'add', '--tenant', slug, '--url', 'https://10.0.0.1/hooks']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/10\.0\.0\.1.*public addresses/);
    const badEvents = await subreg([
      'webhooks',
      'add',
      '--tenant',
      slug,
      '--url',
      'https://93.184.216.34/x',
      '--events',
      'all',
    ]);
    expect(badEvents.code).not.toBe(0);
    expect(badEvents.stderr).toMatch(/--events must name events.*version\.published/);

    const removed = await subreg(['webhooks', 'remove', '--tenant', slug, '--id', endpoint.id]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`webhook ${endpoint.id} (https://93.184.216.34/hooks) removed`);
  }, 120_000);
});
