import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../app/deps.js';
import type { TenantRecord } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { type Html, html } from '../trust-page/html.js';
import { problemPage, sendPage, wantsJson } from './pages.js';
import { noticePageOptions as route } from './pages.schemas.js';
import { type PreferencesView, applyPreferences, loadPreferences } from './preferences.service.js';
import { organisationField } from './subscriber-fields.js';
import { linkInvalid } from './subscribers.service.js';

/** As the other public forms: a few fields, never more than this. */
const FORM_LIMIT = 4096;

const changeInput = z.object({
  organisation: organisationField.optional(),
  scope: z.string().max(64).optional(),
  action: z.enum(['save', 'unsubscribe']).optional(),
  unsubscribe: z.boolean().optional(),
});

const tokenOf = (req: FastifyRequest) => {
  const q = (req.query as { token?: unknown }).token;
  const b = (req.body as { token?: unknown } | null)?.token;
  const t = typeof q === 'string' ? q : typeof b === 'string' ? b : '';
  return t.length <= 300 ? t : '';
};

const following = (v: PreferencesView) =>
  v.list ? html`the list “${v.list.title}”` : html`every list of ${v.tenantName}`;

const radio = (value: string, checked: boolean, label: Html) =>
  html`<label style="font-weight:400"><input type="radio" name="scope" value="${value}" style="width:auto"${checked ? html` checked` : html``}> ${label}</label>`;

function form(slug: string, token: string, v: PreferencesView): Html {
  const action = `/t/${slug}/subscriptions/preferences`;
  const choices = v.list
    ? [
        radio(v.list.slug, true, html`Only “${v.list.title}”`),
        radio('all', false, html`Every list of ${v.tenantName}`),
      ]
    : [
        radio('all', true, html`Every list of ${v.tenantName}`),
        ...v.lists.map((l) => radio(l.slug, false, html`Only “${l.title}”`)),
      ];
  return html`<form method="post" action="${action}"><input type="hidden" name="token" value="${token}">
<label for="organisation">Organisation (optional)</label><input id="organisation" name="organisation" value="${v.organisation ?? ''}" maxlength="200" autocomplete="organization">
<fieldset style="margin-top:1rem"><legend>What to be told about</legend>${choices}</fieldset>
<p><button type="submit" name="action" value="save">Save</button></p></form>
<form method="post" action="${action}"><input type="hidden" name="token" value="${token}"><button type="submit" name="action" value="unsubscribe">Unsubscribe</button></form>`;
}

function preferencesPage(
  reply: FastifyReply,
  status: number,
  title: string,
  slug: string,
  token: string,
  v: PreferencesView,
  note?: Html,
) {
  const who = html`<p>Notices of sub-processor changes from <strong>${v.tenantName}</strong> for <strong>${v.email}</strong>${v.organisation ? html` (${v.organisation})` : html``}.</p>`;
  if (v.status !== 'confirmed')
    return sendPage(
      reply,
      status,
      title,
      html`${note ?? html``}${who}<p>This address receives no notices. To receive them again, subscribe on the list’s page.</p>`,
    );
  return sendPage(
    reply,
    status,
    title,
    html`${note ?? html``}${who}<p>You are told about ${following(v)}.</p>${form(slug, token, v)}`,
  );
}

/** One answer for every unusable token, read or write: it tells nothing about the subscriber. */
const INVALID_TITLE = 'This link is not valid';

const scopeOf = (v: PreferencesView) => (v.list ? v.list.slug : 'all');

/** The preferences page behind a subscriber's signed link (kind `p`): view, then change or leave. */
export function preferencesRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  tenantOr404: (slug: string) => Promise<TenantRecord>,
) {
  app.get('/t/:tenant/subscriptions/preferences', route.preferencesPage, async (req, reply) => {
    const tenant = await tenantOr404((req.params as { tenant: string }).tenant);
    const token = tokenOf(req);
    const view = await loadPreferences(deps, tenant, token);
    if (!view) return problemPage(reply, linkInvalid(), INVALID_TITLE);
    return preferencesPage(reply, 200, 'Your notice preferences', tenant.slug, token, view);
  });

  app.post(
    '/t/:tenant/subscriptions/preferences',
    { ...route.updatePreferences, bodyLimit: FORM_LIMIT },
    async (req, reply) => {
      const json = wantsJson(req.headers['content-type'], req.headers.accept);
      try {
        const tenant = await tenantOr404((req.params as { tenant: string }).tenant);
        const token = tokenOf(req);
        if (!token) throw linkInvalid();
        const parsed = changeInput.safeParse(req.body ?? {});
        if (!parsed.success)
          throw new AppError(
            400,
            'PREFERENCES_INVALID',
            parsed.error.issues.map((i) => i.message).join('; '),
          );
        const input = parsed.data;
        const leaving = input.unsubscribe === true || input.action === 'unsubscribe';
        const view = await applyPreferences(deps, tenant, token, {
          organisation: leaving ? undefined : input.organisation,
          scope: leaving ? undefined : input.scope,
          unsubscribe: leaving,
        });
        const status = leaving ? 'unsubscribed' : 'saved';
        if (json)
          return reply.send({
            status,
            email: view.email,
            organisation: view.organisation,
            scope: scopeOf(view),
            changed: view.changed,
          });
        const note = leaving
          ? html`<p><strong>You are unsubscribed.</strong> No more notices will be sent to this address.</p>`
          : html`<p><strong>${view.changed.length ? 'Your changes are saved.' : 'Nothing was changed.'}</strong></p>`;
        return preferencesPage(
          reply,
          200,
          leaving ? 'You are unsubscribed' : 'Preferences saved',
          tenant.slug,
          token,
          view,
          note,
        );
      } catch (err) {
        if (json || !(err instanceof AppError) || err.status >= 500) throw err;
        return problemPage(reply, err, err.code === 'LINK_INVALID' ? INVALID_TITLE : 'Nothing was changed');
      }
    },
  );
}
